"""A workload of mpmath: constants, special functions, quadrature, root
finding, series and matrices in arbitrary precision."""
import mpmath
from mpmath import mp, mpf


def main():
    mp.dps = 60
    print("pi", mp.pi)
    print("e", mp.e)
    print("zeta(3)", mpmath.zeta(3))
    print("gamma(1/3)", mpmath.gamma(mpf(1) / 3))
    print("quad", mpmath.quad(lambda x: mpmath.exp(-x * x), [-mpmath.inf, mpmath.inf]))
    print("root", mpmath.findroot(lambda x: mpmath.cos(x) - x, 1))
    print("nsum", mpmath.nsum(lambda k: 1 / k ** 4, [1, mpmath.inf]))
    mp.dps = 30
    a = mpmath.matrix([[mpf(1) / (i + j + 1) for j in range(8)] for i in range(8)])
    print("hilbert det", mpmath.det(a))
    print("inverse corner", mpmath.inverse(a)[7, 7])
    print("besselj", mpmath.besselj(2, 3.5), "erf", mpmath.erf(0.7))
    print("polyroots", [mpmath.nstr(r, 12) for r in mpmath.polyroots([1, 0, -2, 1, 5])])
    print("taylor", [mpmath.nstr(c, 10) for c in mpmath.taylor(mpmath.sin, 0.5, 6)])
    mp.dps = 15
    with open("table.txt", "w") as f:
        for k in range(1, 1500):
            f.write(f"{k} {mpmath.nstr(mpmath.li(k * 10), 14)} {mpmath.nstr(mpmath.zeta(1 + k / 10), 14)}\n")


if __name__ == "__main__":
    main()
