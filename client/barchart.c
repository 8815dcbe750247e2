/* barchart.c - horizontal bar charts measured in display columns (barchart.h). */
#include "barchart.h"

#include <string.h>

#include "render_table.h"
#include "width.h"

/* U+2588 full block, then U+258F..U+2589: one to seven eighths. */
static const char *const eighths[8] = {"",       "\u258f", "\u258e", "\u258d",
                                       "\u258c", "\u258b", "\u258a", "\u2589"};

static size_t label_width(const char *s)
{
    return s ? width_str(s, strlen(s)) : 0;
}

void barchart_print(FILE *out, const struct barchart_bar *bars, size_t n, unsigned width)
{
    if (width < 20)
        width = 20;
    size_t lw = 0, nw = 0;
    uint64_t max = 0;
    for (size_t i = 0; i < n; i++) {
        size_t w = label_width(bars[i].label), v = label_width(bars[i].note);
        lw = w > lw ? w : lw;
        nw = v > nw ? v : nw;
        max = bars[i].value > max ? bars[i].value : max;
    }
    if (lw > width / 3)
        lw = width / 3;
    size_t bw = width > lw + nw + 2 ? width - lw - nw - 2 : 1;
    for (size_t i = 0; i < n; i++) {
        const char *label = bars[i].label ? bars[i].label : "";
        size_t shown = render_text_cut(out, label, strlen(label), lw);
        render_pad(out, lw - shown + 1);
        /* eighths of a column, in integers: value * bw * 8 / max without overflow */
        unsigned __int128 e = max ? (unsigned __int128)bars[i].value * bw * 8 / max : 0;
        if (bars[i].value > 0 && e == 0)
            e = 1;
        size_t full = (size_t)(e / 8), cols = full + (e % 8 ? 1 : 0);
        for (size_t k = 0; k < full; k++)
            fputs("\u2588", out);
        fputs(eighths[(unsigned)(e % 8)], out);
        if (bars[i].note && bars[i].note[0]) {
            render_pad(out, bw - cols + 1);
            render_text(out, bars[i].note, strlen(bars[i].note));
        }
        fputc('\n', out);
    }
}
