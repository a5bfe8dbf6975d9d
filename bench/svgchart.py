"""Grouped bar charts as SVG text (standard library only), shared by the
benchmark and tuning plots."""


def grouped_bars(title, legend, groups, empty="no measured results yet"):
    """An SVG chart: one group per `(label, sublabel, values)` of `groups`,
    one bar per value in the colors of `legend` (`[(name, color)]`), bars
    scaled per group to the group's largest value and labelled with it."""
    count = len(legend)
    group = 36 * count + 40
    width, height, left, top = 120 + group * max(1, len(groups)), 320, 60, 30
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (width, height),
           '<text x="%d" y="18" font-size="13">%s</text>' % (left, title)]
    for i, (label, color) in enumerate(legend):
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/>'
                   '<text x="%d" y="%d">%s</text>' % (
                       width - 110, top + 16 * i, color, width - 95,
                       top + 9 + 16 * i, label))
    base = height - 60
    for n, (label, sublabel, values) in enumerate(groups):
        scale = (base - top - 20) / max(v for v in values if v is not None)
        x0 = left + group * n
        for j, value in enumerate(values):
            if value is None:
                continue
            h = value * scale
            out.append('<rect x="%d" y="%.1f" width="30" height="%.1f" '
                       'fill="%s"/><text x="%d" y="%.1f" text-anchor="middle">'
                       '%.3g</text>' % (x0 + 34 * j, base - h, h, legend[j][1],
                                        x0 + 34 * j + 15, base - h - 3, value))
        middle = x0 + 17 * count
        out.append('<text x="%d" y="%d" text-anchor="middle">%s</text>'
                   '<text x="%d" y="%d" text-anchor="middle">%s</text>' % (
                       middle, base + 16, label, middle, base + 30, sublabel))
    if not groups:
        out.append('<text x="%d" y="%d">%s</text>' % (left, base - 40, empty))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def report_main(argv, doc, svg_name, load, svg, table, heading, none_found):
    """The command line both plots share: `[RESULTS_DIR] [--svg FILE]
    [--md FILE]`. Loads rows with `load(folder)`, writes `svg(rows)` to the
    SVG file and `table(rows)` to --md (under `heading`, a markdown preamble
    formatted with the chart's path relative to the table) or stdout.
    Returns 1 with `none_found % folder` on stderr when there are no rows."""
    import argparse
    import os
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("results", nargs="?",
                    default=os.path.join(root, "bench", "results"))
    ap.add_argument("--svg", default=os.path.join(root, "docs", svg_name))
    ap.add_argument("--md", help="write the table here (default: stdout)")
    args = ap.parse_args(argv)
    rows = load(args.results)
    if not rows:
        print(none_found % args.results, file=sys.stderr)
        return 1
    with open(args.svg, "w", encoding="utf-8") as f:
        f.write(svg(rows))
    text = table(rows)
    if not args.md:
        sys.stdout.write(text)
        return 0
    with open(args.md, "w", encoding="utf-8") as f:
        f.write(heading % os.path.relpath(
            args.svg, os.path.dirname(os.path.abspath(args.md))))
        f.write(text)
    return 0
