"""A workload of networkx's public API: random graphs, shortest paths,
components, spanning trees, centrality and pagerank; prints rounded
results and writes an edge list."""
import networkx as nx


def rounded(d, k=6):
    return {n: round(v, k) for n, v in sorted(d.items())[:8]}


def main():
    g = nx.gnm_random_graph(400, 1600, seed=42)
    for u, v in g.edges:
        g.edges[u, v]["weight"] = (u * 7 + v * 13) % 17 + 1
    print("nodes", g.number_of_nodes(), "edges", g.number_of_edges())
    print("components", nx.number_connected_components(g))
    lengths = dict(nx.single_source_dijkstra_path_length(g, 0))
    print("dijkstra from 0:", sum(lengths.values()), max(lengths.values()))
    print("path 0->399:", nx.shortest_path(g, 0, 399, weight="weight"))
    t = nx.minimum_spanning_tree(g)
    print("mst weight", t.size(weight="weight"))
    print("clustering", round(nx.average_clustering(g), 6))
    print("betweenness", rounded(nx.betweenness_centrality(g, k=80, seed=1)))
    # nx.pagerank needs scipy; the pure-Python power iteration is the one
    # networkx keeps for graphs without it (and hits is pure Python too).
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python
    print("pagerank", rounded(_pagerank_python(g, alpha=0.9)))
    print("eigenvector", rounded(nx.eigenvector_centrality(g, max_iter=500), 4))
    print("closeness", rounded(nx.closeness_centrality(g, wf_improved=False), 4))
    d = nx.gnp_random_graph(300, 0.02, seed=3, directed=True)
    print("scc", sorted(len(c) for c in nx.strongly_connected_components(d))[-5:])
    print("dag longest", nx.dag_longest_path_length(nx.condensation(d)))
    grid = nx.grid_2d_graph(30, 30)
    print("grid diameter", nx.diameter(grid))
    print("core numbers", sorted(set(nx.core_number(g).values())))
    print("max matching", len(nx.max_weight_matching(nx.gnm_random_graph(80, 300, seed=5))))
    nx.write_edgelist(t, "mst.edgelist", data=["weight"])


if __name__ == "__main__":
    main()
