#!/usr/bin/env python3
"""Writes an issue of the bulletin as a Word file (python-docx) or as HTML
for LibreOffice to open, laid out the way the committee sets it: masthead,
series line, contents, reports (title, subtitle, body with first-line
indent, credit) and the distribution block.

Used by tests/import_documents.rs: the test describes an issue of the sample
archive as JSON (see `spec` there), this script writes the document with a
real third-party writer, and `jianbao import` must read it back into the
same reports.

    write_documents.py SPEC.json OUT.docx [--masthead-table] [--bold-leads]
    write_documents.py SPEC.json OUT.html

Paragraphs in the spec are lists of runs, {"text": ..., "bold": bool} or
{"note": "footnote text"}, or {"table": [[cell, ...], ...]}.
"""

import html
import json
import re
import sys

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
TITLE_FONT = "方正小标宋简体"
LEAD = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)[^。]*。")
SENTENCE_LEAD = re.compile(r"([一二三四五六七八九十]是[^。]{1,30}。)")


def bolden(runs):
    """Section leads and 一是…。 leads set bold, as editors set them."""
    out = []
    for run in runs:
        if "note" in run or run.get("bold"):
            out.append(run)
            continue
        text = run["text"]
        if not out:
            lead = LEAD.match(text)
            if lead:
                out.append({"text": lead.group(0), "bold": True})
                text = text[lead.end():]
        for i, part in enumerate(SENTENCE_LEAD.split(text)):
            if part:
                out.append({"text": part, "bold": i % 2 == 1})
    return out


# ------------------------------------------------------------------ python-docx

def write_docx(spec, path, masthead_table, bold_leads):
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)
    normal.font.name = FANGSONG
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FANGSONG)

    def run(paragraph, text, size=None, bold=False, font=None, color=None):
        r = paragraph.add_run(text)
        r.bold = bold
        if size:
            r.font.size = Pt(size)
        if font:
            r.font.name = font
            r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        if color:
            r.font.color.rgb = color
        return r

    def centered(text, size, font=None, bold=False, color=None):
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(p, text, size, bold, font, color)
        return p

    masthead = spec.get("masthead")
    if masthead:
        centered(masthead["title"], 60, TITLE_FONT, color=RGBColor(0xE0, 0, 0))
        centered(masthead["number"], 16)
        if masthead_table:
            table = document.add_table(rows=1, cols=2)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            left, right = table.rows[0].cells
            left.paragraphs[0].add_run(masthead["publisher"])
            right.paragraphs[0].add_run(masthead["date"])
            right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            p = document.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
            run(p, masthead["publisher"] + "\t" + masthead["date"])
    if spec.get("album"):
        centered(spec["album"], 16, FANGSONG)
    for entry in spec.get("contents", []):
        p = document.add_paragraph()
        run(p, "◇" + entry)
    if spec.get("editor_note"):
        for i, text in enumerate(spec["editor_note"]):
            p = document.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            if i == 0:
                run(p, "编者按：", bold=True, font=HEITI)
            run(p, text)
    for report in spec["reports"]:
        title = centered(report["title"], 22, TITLE_FONT)
        title.paragraph_format.space_before = Pt(16)
        title.paragraph_format.space_after = Pt(16)
        if report.get("subtitle"):
            centered("——" + report["subtitle"], 16, "楷体_GB2312")
        for paragraph in report["paragraphs"]:
            if "table" in paragraph:
                rows = paragraph["table"]
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                table.style = "Table Grid"
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        table.cell(r, c).paragraphs[0].add_run(cell)
                continue
            runs = paragraph["runs"]
            if bold_leads:
                runs = bolden(runs)
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            p.paragraph_format.first_line_indent = Pt(32)
            for r in runs:
                if "note" in r:
                    raise SystemExit("python-docx writes no footnotes: use the HTML route")
                run(p, r["text"], bold=r.get("bold", False), font=HEITI if r.get("bold") else None)
        credit = document.add_paragraph()
        credit.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run(credit, "（%s供稿）" % report["supplier"])
    footer = spec.get("footer")
    if footer:
        for key in ("to", "cc"):
            if footer.get(key):
                p = document.add_paragraph()
                p.paragraph_format.left_indent = Pt(14)
                run(p, ("送：" if key == "to" else "发：") + footer[key], 14)
        p = document.add_paragraph()
        line = footer["issuer"] + "印发"
        if footer.get("copies"):
            line += "    共印 %d 份" % footer["copies"]
        run(p, line, 14)
    document.save(path)


# ------------------------------------------------------------------------ HTML

def write_html(spec, path):
    """HTML in the form LibreOffice's own HTML export uses for footnotes
    (sdfootnote anchors), so that opening it gives real footnotes."""
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>代表工作</title></head><body>']
    notes = []
    e = html.escape

    def centered(text, size, bold=False):
        weight = "<b>%s</b>" % e(text) if bold else e(text)
        out.append('<p align="center" style="font-size:%dpt">%s</p>' % (size, weight))

    masthead = spec.get("masthead")
    if masthead:
        centered(masthead["title"], 48)
        centered(masthead["number"], 16)
        out.append("<p>%s　　　　%s</p>" % (e(masthead["publisher"]), e(masthead["date"])))
    if spec.get("album"):
        centered(spec["album"], 16)
    for entry in spec.get("contents", []):
        out.append("<p>◇%s</p>" % e(entry))
    for i, text in enumerate(spec.get("editor_note", [])):
        lead = "<b>编者按：</b>" if i == 0 else ""
        out.append('<p style="text-indent:2em">%s%s</p>' % (lead, e(text)))
    for report in spec["reports"]:
        centered(report["title"], 22, bold=True)
        if report.get("subtitle"):
            centered("——" + report["subtitle"], 16)
        for paragraph in report["paragraphs"]:
            if "table" in paragraph:
                out.append('<table border="1">')
                for row in paragraph["table"]:
                    out.append("<tr>%s</tr>" % "".join("<td>%s</td>" % e(c) for c in row))
                out.append("</table>")
                continue
            parts = []
            for r in paragraph["runs"]:
                if "note" in r:
                    notes.append(r["note"])
                    n = len(notes)
                    parts.append(
                        '<a class="sdfootnoteanc" name="sdfootnote%danc" href="#sdfootnote%dsym"><sup>%d</sup></a>'
                        % (n, n, n)
                    )
                elif r.get("bold"):
                    parts.append("<b>%s</b>" % e(r["text"]))
                else:
                    parts.append(e(r["text"]))
            out.append('<p style="text-indent:2em">%s</p>' % "".join(parts))
        out.append('<p align="right">（%s供稿）</p>' % e(report["supplier"]))
    footer = spec.get("footer")
    if footer:
        if footer.get("to"):
            out.append("<p>送：%s</p>" % e(footer["to"]))
        if footer.get("cc"):
            out.append("<p>发：%s</p>" % e(footer["cc"]))
        line = e(footer["issuer"]) + "印发"
        if footer.get("copies"):
            line += "　　共印 %d 份" % footer["copies"]
        out.append("<p>%s</p>" % line)
    for n, text in enumerate(notes, 1):
        out.append(
            '<div id="sdfootnote%d"><p class="sdfootnote"><a class="sdfootnotesym" '
            'name="sdfootnote%dsym" href="#sdfootnote%danc">%d</a>%s</p></div>' % (n, n, n, n, e(text))
        )
    out.append("</body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    if len(args) != 2:
        raise SystemExit(__doc__)
    with open(args[0], encoding="utf-8") as f:
        spec = json.load(f)
    if args[1].endswith(".html"):
        write_html(spec, args[1])
    else:
        write_docx(spec, args[1], "--masthead-table" in flags, "--bold-leads" in flags)


if __name__ == "__main__":
    main()
