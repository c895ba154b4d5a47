#!/usr/bin/env python3
"""Build workers.xlsx: a workbook the way Excel stores it, for the import
tests. Sheet "社工" (the second sheet; the first is a notes sheet) has the
template's Chinese headers; region codes typed as numbers; the date passed
as a date-styled serial number (numFmt 14); an ID number as text (style 49)
and one typed as a number, which Excel cut to 15 significant digits: the
importer must reject that row. Run: python3 make_xlsx.py (deterministic).
"""
import datetime
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idn(area, birth, seq):
    s = f"{area}{birth}{seq:03d}"
    return s + '10X98765432'[sum(int(a) * b for a, b in zip(s, W)) % 11]


def serial(iso):
    return (datetime.date.fromisoformat(iso) - datetime.date(1899, 12, 30)).days


def s(ref, text, style=0):
    return f'<c r="{ref}" t="inlineStr" s="{style}"><is><t>{text}</t></is></c>'


def n(ref, value, style=0):
    return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'


HEAD = ['姓名', '身份证号', '区划代码', '职业水平', '证书管理号', '通过日期']
ROWS = [
    [s('A2', '黄晓明'), s('B2', idn('440103', '19860101', 701), 2), n('C2', 440103),
     s('D2', '助理社会工作师'), s('E2', 'X2019007'), n('F2', serial('2019-06-16'), 1)],
    [s('A3', '林小红'), s('B3', idn('440103', '19870202', 702), 2), n('C3', 440103001),
     s('D3', '社会工作师'), s('E3', 'X2020008'), n('F3', serial('2020-06-20'), 1)],
    # an ID number typed as a number: Excel kept 15 significant digits
    [s('A4', '何大勇'), n('B4', '4.40103198803E+17'), n('C4', 440103)],
]

CT = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'''
RELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'''
WB = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="说明" sheetId="2" r:id="rId2"/><sheet name="社工" sheetId="1" r:id="rId1"/></sheets></workbook>'''
WBRELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'''
STYLES = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'''
SHEET2 = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>填表说明</t></is></c></row></sheetData></worksheet>'''


def sheet1():
    cells = ''.join(s(chr(65 + i) + '1', h) for i, h in enumerate(HEAD))
    rows = [f'<row r="1">{cells}</row>']
    for i, r in enumerate(ROWS):
        rows.append(f'<row r="{i + 2}">{"".join(r)}</row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{"".join(rows)}</sheetData></worksheet>')


def main():
    with zipfile.ZipFile(os.path.join(HERE, 'workers.xlsx'), 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in [('[Content_Types].xml', CT), ('_rels/.rels', RELS),
                           ('xl/workbook.xml', WB), ('xl/_rels/workbook.xml.rels', WBRELS),
                           ('xl/styles.xml', STYLES), ('xl/worksheets/sheet1.xml', sheet1()),
                           ('xl/worksheets/sheet2.xml', SHEET2)]:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 22, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode('utf-8'))


if __name__ == '__main__':
    main()
