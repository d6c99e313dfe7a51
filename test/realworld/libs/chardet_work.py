"""A workload of chardet: detect the encoding of texts encoded in several
codecs, whole and fed incrementally to a UniversalDetector."""
import random

import chardet
from chardet.universaldetector import UniversalDetector

SAMPLES = {
    "english": "The quick brown fox jumps over the lazy dog while the cat watches. ",
    "french": "Le cœur déçu mais l'âme plutôt naïve, Louÿs rêva de crapaüter en canoë. ",
    "german": "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich. ",
    "russian": "Съешь же ещё этих мягких французских булок да выпей чаю. ",
    "greek": "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία και τα πάντα γύρω. ",
    "japanese": "いろはにほへとちりぬるをわかよたれそつねならむうゐのおくやまけふこえて。",
    "chinese": "我能吞下玻璃而不伤身体。天地玄黄宇宙洪荒日月盈昃辰宿列张。",
}
CODECS = {
    "english": ["ascii", "utf-8"],
    "french": ["utf-8", "latin-1", "cp1252"],
    "german": ["utf-8", "latin-1"],
    "russian": ["utf-8", "koi8-r", "cp1251", "iso-8859-5"],
    "greek": ["utf-8", "iso-8859-7", "cp1253"],
    "japanese": ["utf-8", "shift_jis", "euc-jp"],
    "chinese": ["utf-8", "gb2312", "big5"],
}


def main():
    rng = random.Random(4)
    lines = []
    for lang, text in SAMPLES.items():
        for codec in CODECS[lang]:
            for size in (2, 8, 30, 120):
                words = text.split(" ") if " " in text else list(text)
                rng.shuffle(words)
                body = ((" " if " " in text else "").join(words) + "\n") * size
                try:
                    data = body.encode(codec)
                except UnicodeEncodeError:
                    continue
                r = chardet.detect(data)
                det = UniversalDetector()
                for k in range(0, len(data), 64):
                    det.feed(data[k:k + 64])
                    if det.done:
                        break
                det.close()
                lines.append(f"{lang:<9} {codec:<10} {size:>3} -> {r['encoding']} "
                             f"{r['confidence']:.3f} / {det.result['encoding']}")
    for line in lines:
        print(line)
    with open("detections.txt", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
