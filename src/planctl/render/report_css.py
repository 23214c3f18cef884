"""The HTML report's style: STYLE on screen, then PAPER_AND_PHONE for paper and phones.

Paper: A4, sections flowing one after another (no page per section), table headings
repeated on every page a table runs onto, rows never split, and one pinned font, so
that a paper breaks into the same pages wherever it is printed (docs/report.md).
Phone (up to 640 px wide): no sideways scrolling; the action tables become one card
per row, each value under its column's heading (the cells' `data-label`, written by
report_html.table, which also writes the table roles a screen reader still needs).
"""

from __future__ import annotations

# "MARKING" is replaced by the protective marking (report_html.render).
PAPER = """
.rag { display: inline-block; font-size: 13px; font-weight: 700; padding: 1px 8px;
  border-radius: 10px; border: 1px solid; white-space: nowrap; }
.r-red { color: #8c0f1d; background: #fde7e9; border-color: #eea3ab; }
.r-amber { color: #6b4500; background: #fff2cc; border-color: #e6c266; }
.r-green { color: #1c5a2a; background: #e4f4e7; border-color: #9fd1aa; }
.r-blue { color: #0e3f75; background: #e3eefa; border-color: #9dbde3; }
.print-only { display: none; }
.lateby { font-size: 85%; white-space: nowrap; }
.scroller:focus-visible { outline: 3px solid #1d5fa8; outline-offset: 2px; }
@media print {
  @page { size: A4; margin: 16mm 14mm 18mm;
    @top-center { content: MARKING; font: 700 9pt sans-serif; letter-spacing: .1em; }
    @bottom-center { content: MARKING; font: 700 9pt sans-serif; letter-spacing: .1em; }
    @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; } }
  /* DejaVu Sans first: Debian and Ubuntu always have it (fontconfig and Chromium need it),
     so a paper printed there has the same page breaks everywhere; other systems fall back. */
  body { font: 10pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
  main { max-width: none; padding: 0; }
  .marking { display: none; }
  section { margin-top: 16pt; }
  .kicker { margin-top: 0; font-size: 8pt; }
  h1 { font-size: 17pt; margin: 2pt 0 8pt; }
  h2 { font-size: 13pt; margin: 0 0 5pt; padding-bottom: 2pt; border-bottom-width: 2pt; }
  h3 { font-size: 10.5pt; margin: 9pt 0 3pt; }
  h2, h3, h2 + .note, .keep-next { break-after: avoid; }
  .keep-next { break-inside: avoid; }
  table.updates { display: none; }
  .print-only { display: block; }
  .facts { padding: 5pt 10pt; font-size: 9.5pt; }
  .headline { font-size: 11.5pt; margin: 4pt 0 6pt; }
  .tiles { gap: 8pt; margin-top: 8pt; }
  .tile { padding: 3pt 10pt; min-width: 84pt; }
  .tile .n { font-size: 17pt; }
  .note { margin: 2pt 0 5pt; }
  .glance { gap: 0 20pt; }
  .glance ul { margin: 3pt 0; }
  table { font-size: 8.5pt; line-height: 1.3; margin: 3pt 0 9pt; }
  th { font-size: 8pt; padding: 3pt 4pt; }
  td { padding: 3pt 4pt; }
  .recs td:nth-child(2) { font-size: 8.5pt; }
  .status, .rag { font-size: 7.5pt; padding: 0 5pt; }
  thead { display: table-header-group; }
  tr, .tile, .chart, .facts, .keep, .area { break-inside: avoid; }
  #timeline { break-inside: avoid; }
  .chart { max-width: 100%; margin: 3pt 0 8pt; }
  .areas { grid-template-columns: 1fr 1fr; gap: 0 16pt; }
  .grade { white-space: nowrap; }
  footer { font-size: 8pt; }
  .status, .rag, .meter span, .swatch, th, .facts, .noupdate { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
}
"""

# A table of a few short columns (who has how many overdue, the grades) stays a table;
# the action and recommendation tables become cards.
PHONE = """
@media screen and (max-width: 640px) {
  main { padding: 4px 14px 24px; }
  .marking { margin: 8px 14px; }
  h1 { font-size: 24px; }
  h2 { font-size: 20px; }
  section { margin-top: 28px; }
  .facts { grid-template-columns: 1fr; gap: 0; padding: 10px 12px; }
  .facts dd { margin-bottom: 6px; }
  .headline { font-size: 17px; }
  .tiles { gap: 8px; }
  .tile { min-width: 0; flex: 1 1 40%; }
  .glance, .areas { grid-template-columns: 1fr; }
  table.actions, table.recs, table.actions tbody, table.recs tbody,
  table.actions tr, table.recs tr, table.actions td, table.recs td { display: block; width: auto; }
  table.actions thead, table.recs thead { position: absolute; width: 1px; height: 1px;
    overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  table.actions tr, table.recs tr { border: 1px solid var(--rule); border-radius: 6px;
    margin: 0 0 10px; padding: 4px 10px; }
  /* The heading floats in the cell's left padding: the cell is as tall as the longer of
     the two, so a heading of two lines never runs into the next one. */
  table.actions td, table.recs td { display: flow-root; border: 0; text-align: left;
    white-space: normal; padding: 4px 0 4px 7.4em; font-size: 15px; }
  table.actions td::before, table.recs td::before { content: attr(data-label);
    content: attr(data-label) / ""; float: left; width: 6.6em; margin-left: -8.54em;
    padding-top: 2px; font-size: 13px; font-weight: 700; color: var(--muted);
    overflow-wrap: break-word; }
  table.actions td:empty { display: none; }
  /* The long text of each card (the action, the recommendation) under its heading, full width */
  table.actions td:nth-child(2), table.recs td:nth-child(2):not(.num) { padding-left: 0; }
  table.actions td:nth-child(2)::before, table.recs td:nth-child(2):not(.num)::before {
    float: none; display: block; width: auto; margin: 0; }
  .recs td:nth-child(2) { font-size: 15px; }
  table.grades { table-layout: auto; }
  .grade { white-space: nowrap; }
  .scroller { overflow-x: auto; }
  .scroller .chart { max-width: none; width: 640px; }
  .noupdate { overflow-wrap: break-word; }
}
"""

PAPER_AND_PHONE = PAPER + PHONE


STYLE = """
:root { --ink:#1b1f24; --muted:#5b6470; --rule:#d5d9de; --band:#f5f6f8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 8px 32px 24px; }
.page-marking { margin: 0; color: var(--ink); }
.marking { text-align: center; font-weight: 700; letter-spacing: .12em; font-size: 14px;
  padding: 4px; border: 2px solid var(--ink); margin: 12px auto; max-width: 1060px; }
.kicker { margin: 16px 0 0; color: var(--muted); text-transform: uppercase; letter-spacing: .08em;
  font-size: 13px; font-weight: 700; }
h1 { font-size: 28px; line-height: 1.25; margin: 4px 0 14px; }
h2 { font-size: 22px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 3px solid var(--ink); }
h3 { font-size: 17px; margin: 18px 0 6px; }
section { margin-top: 36px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 0;
  padding: 12px 16px; background: var(--band); border-left: 4px solid var(--ink); }
.facts dt { font-weight: 700; } .facts dd { margin: 0; }
.headline { font-size: 19px; margin: 6px 0 10px; }
.meter { height: 14px; background: #e4e7eb; border-radius: 7px; overflow: hidden; max-width: 640px; }
.meter span { display: block; height: 100%; background: #1d5fa8; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 16px; }
.tile { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 14px; min-width: 130px;
  display: flex; flex-direction: column; align-items: flex-start; gap: 4px; }
.tile .n { font-size: 30px; font-weight: 700; line-height: 1.1; }
.tile.t-overdue { border: 2px solid #c0182b; }
.status { display: inline-block; font-size: 13px; font-weight: 700; padding: 1px 8px;
  border-radius: 10px; border: 1px solid; white-space: nowrap; }
.s-completed { color: #0e3f75; background: #e3eefa; border-color: #9dbde3; }
.s-overdue { color: #8c0f1d; background: #fde7e9; border-color: #eea3ab; }
.s-due-soon { color: #6b4500; background: #fff2cc; border-color: #e6c266; }
.s-on-track { color: #1c5a2a; background: #e4f4e7; border-color: #9fd1aa; }
.s-no-date, .s-dropped { color: #3d4450; background: #eef0f2; border-color: #c4c8ce; }
.note, .muted { color: var(--muted); }
.note { margin: 4px 0 10px; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 14px; font-size: 14.5px; }
th { text-align: left; background: var(--band); border-bottom: 2px solid var(--ink);
  padding: 6px 8px; font-size: 13.5px; }
td { padding: 6px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
table.actions, table.recs, table.grades { table-layout: fixed; }
td { overflow-wrap: break-word; }  /* breaks a word only when it alone overflows its column */
tr.late td:nth-child(5) { color: #8c0f1d; font-weight: 700; }
.recs td:nth-child(2) { font-size: 14px; }
.count { font-weight: 400; color: var(--muted); font-size: 15px; }
.chart { display: block; max-width: 100%; height: auto; margin: 6px 0 14px; }
.chart .lbl { font: 700 13px sans-serif; fill: #1b1f24; }
.chart .val { font: 13px sans-serif; fill: #1b1f24; }
.chart .tick { font: 12px sans-serif; fill: #5b6470; }
.chart .end { font: 700 13px sans-serif; }
.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 6px 18px;
  font-size: 14px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 16px; height: 12px; border: 1px solid #0003; }
.swatch.hatch { background-image: repeating-linear-gradient(45deg, transparent 0 3px,
  #ffffff8c 3px 5px) !important; }
.glance { display: grid; grid-template-columns: 3fr 2fr; gap: 0 32px; margin-top: 8px; }
.glance ul { padding-left: 20px; margin: 6px 0; } .glance li { margin-bottom: 6px; }
figure { margin: 0; }
.noupdate { background: #fff8e1; border-left: 4px solid #d98e04; padding: 8px 12px; }
.areas { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0 28px; }
.grade { font-weight: 700; }
.grade.g0 { color: #0e3f75; } .grade.g1 { color: #1c5a2a; } .grade.g2 { color: #6b4500; }
.grade.g3 { color: #8c0f1d; }
footer { margin-top: 30px; color: var(--muted); font-size: 13px; }
"""


# Only in a page with the roll-up (so a one-plan report is unchanged).
ROLLUP_STYLE = """
.wide { overflow-x: auto; } table.rollup { min-width: 760px; } .rollup td { overflow-wrap: normal; }
@media print { .wide { overflow: visible; } table.rollup { min-width: 0; } }
"""
