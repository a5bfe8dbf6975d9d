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
