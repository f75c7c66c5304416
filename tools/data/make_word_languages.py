#!/usr/bin/env python3
"""Build a real classification set from Debian's word lists: a word's language from its letters.

Reads the lists that Debian's packages wamerican, wngerman, wfrench, witalian, wspanish, wportuguese,
wdutch, wswedish and wpolish install under /usr/share/dict, keeps lower-case words of 4 to 16 letters that
occur in exactly one of the lists, draws the same number from each language (seeded), and writes
  <out>/train.jsonl  {"text": word, "label": language}, 80% of the words
  <out>/test.jsonl   the other 20%, never seen in training
It also prints two baselines on the test file: the majority class, and a naive Bayes classifier over
character bigrams and trigrams (add-one smoothing) trained on train.jsonl. Needs nothing but Python.
"""
import argparse
import collections
import json
import math
import os
import random

LISTS = {"en": "american-english", "de": "ngerman", "fr": "french", "it": "italian", "es": "spanish",
         "pt": "portuguese", "nl": "dutch", "sv": "swedish", "pl": "polish"}
ENCODINGS = {"swedish": "latin-1"}


def words(path, encoding):
    out = set()
    with open(path, encoding=encoding) as f:
        for line in f:
            w = line.strip()
            if 4 <= len(w) <= 16 and w.isalpha() and w == w.lower():
                out.add(w)
    return out


def ngrams(word):
    w = "^" + word + "$"
    return [w[i:i + n] for n in (2, 3) for i in range(len(w) - n + 1)]


def naive_bayes(train, test):
    counts = collections.defaultdict(collections.Counter)
    priors = collections.Counter()
    for w, lang in train:
        priors[lang] += 1
        counts[lang].update(ngrams(w))
    vocab = set(g for c in counts.values() for g in c)
    totals = {lang: sum(c.values()) for lang, c in counts.items()}
    correct = 0
    for w, lang in test:
        best = max(priors, key=lambda l: math.log(priors[l]) + sum(
            math.log((counts[l][g] + 1) / (totals[l] + len(vocab))) for g in ngrams(w)))
        correct += best == lang
    return correct / len(test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dict", default="/usr/share/dict")
    parser.add_argument("--out", default="word-languages")
    parser.add_argument("--per-language", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sets = {lang: words(os.path.join(args.dict, name), ENCODINGS.get(name, "utf-8")) for lang, name in LISTS.items()}
    seen = collections.Counter(w for s in sets.values() for w in s)
    rng = random.Random(args.seed)
    rows = []
    for lang in sorted(sets):
        unique = sorted(w for w in sets[lang] if seen[w] == 1)
        rows += [(w, lang) for w in rng.sample(unique, args.per_language)]
    rng.shuffle(rows)
    cut = len(rows) * 4 // 5
    train, test = rows[:cut], rows[cut:]
    os.makedirs(args.out, exist_ok=True)
    for name, part in (("train.jsonl", train), ("test.jsonl", test)):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            for w, lang in part:
                f.write(json.dumps({"text": w, "label": lang}, ensure_ascii=False) + "\n")
    majority = collections.Counter(l for _, l in test).most_common(1)[0][1] / len(test)
    print(f"wrote {len(train)} training and {len(test)} test words of {len(sets)} languages to {args.out}")
    print(f"baseline majority_class accuracy={majority:.4f}")
    print(f"baseline naive_bayes_char_2_3grams accuracy={naive_bayes(train, test):.4f}")


if __name__ == "__main__":
    main()
