#!/usr/bin/env python3
"""Draws docs/long-sequences.svg from the table tools/bench/long_sequences.sh prints: peak resident memory and time
per token against the window length T, full and memory-bounded BPTT, on log-log axes (Python standard library only).
Usage: tools/bench/long_sequences.sh > table.txt; python3 tools/bench/plot_long_sequences.py table.txt docs/long-sequences.svg"""
import math
import sys

rows = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 4 and f[0].isdigit() and f[2].isdigit():
        rows.append((int(f[0]), f[1], int(f[2]), int(f[3])))
series = {"full BPTT": [r for r in rows if r[1] == "full"], "memory-bounded BPTT": [r for r in rows if r[1] != "full"]}
colours = {"full BPTT": "#d62728", "memory-bounded BPTT": "#1f77b4"}
W, H, L, T, PW, PH = 960, 380, 70, 50, 360, 260


def axis(x0, title, ylabel, ymin, ymax, value):
    out = [f'<text x="{x0 + PW / 2}" y="{T - 18}" text-anchor="middle" font-weight="bold">{title}</text>',
           f'<rect x="{x0}" y="{T}" width="{PW}" height="{PH}" fill="none" stroke="#444"/>']
    for e in range(2, 6):
        x = x0 + (e - 2) / 3 * PW
        out.append(f'<line x1="{x}" y1="{T + PH}" x2="{x}" y2="{T + PH + 5}" stroke="#444"/>')
        out.append(f'<text x="{x}" y="{T + PH + 18}" text-anchor="middle">10^{e}</text>')
    lo, hi = math.floor(math.log10(ymin)), math.ceil(math.log10(ymax))
    for e in range(lo, hi + 1):
        y = T + PH - (e - lo) / max(1, hi - lo) * PH
        out.append(f'<line x1="{x0 - 5}" y1="{y}" x2="{x0}" y2="{y}" stroke="#444"/>')
        out.append(f'<text x="{x0 - 8}" y="{y + 4}" text-anchor="end">10^{e}</text>')
    out.append(f'<text x="{x0 + PW / 2}" y="{T + PH + 36}" text-anchor="middle">window length T (steps)</text>')
    out.append(f'<text x="{x0 - 48}" y="{T + PH / 2}" text-anchor="middle" transform="rotate(-90 {x0 - 48} {T + PH / 2})">{ylabel}</text>')
    for name, pts in series.items():
        coords = []
        for t, _, tps, rss in pts:
            x = x0 + (math.log10(t) - 2) / 3 * PW
            y = T + PH - (math.log10(value(tps, rss)) - lo) / max(1, hi - lo) * PH
            coords.append((x, y))
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colours[name]}"/>')
        if len(coords) > 1:
            out.append('<polyline fill="none" stroke="{}" points="{}"/>'.format(colours[name], " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)))
    return out


mem = [r[3] for r in rows]
per = [1e6 / r[2] for r in rows]
body = axis(L + 20, "peak resident memory", "MiB", min(mem) / 1.5, max(mem) * 1.5, lambda tps, rss: rss)
body += axis(L + 20 + PW + 100, "time per token", "µs", min(per) / 1.5, max(per) * 1.5, lambda tps, rss: 1e6 / tps)
for i, name in enumerate(series):
    body.append(f'<rect x="{L + 30 + i * 220}" y="{H - 22}" width="12" height="12" fill="{colours[name]}"/>')
    body.append(f'<text x="{L + 48 + i * 220}" y="{H - 12}">{name}</text>')
open(sys.argv[2], "w").write(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
                             f'font-family="Helvetica,Arial,sans-serif" font-size="12"><rect width="{W}" height="{H}" fill="#fff"/>'
                             + "\n".join(body) + "</svg>\n")
