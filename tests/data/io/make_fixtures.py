#!/usr/bin/env python3
"""Build the spreadsheet fixtures in this directory.

excel_workers.xlsx is written part by part the way Excel 2016 (zh-CN) saves
a workbook: shared strings (one with rich-text runs and a phonetic run),
styles.xml where cellXfs 1 uses the built-in date format 14 and cellXfs 2 a
custom "yyyy\"年\"m\"月\"d\"日\"" format, dates as serial numbers, an ID
number typed as a number (Excel keeps 15 significant digits), a row gap,
and a second sheet. workers_gb18030.csv is what Chinese Excel writes for
"CSV (逗号分隔)": GB18030 bytes, CRLF, a quoted field with a comma and one
with an embedded newline. Run: python3 make_fixtures.py (deterministic).
"""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

CT = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'''

RELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'''

WB = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="22228"/><workbookPr defaultThemeVersion="166925"/><bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews><sheets><sheet name="说明" sheetId="2" r:id="rId2"/><sheet name="社工" sheetId="1" r:id="rId1"/></sheets><calcPr calcId="191029"/></workbook>'''

WBRELS = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'''

STYLES = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;;@"/></numFmts><fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>'''

SST = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="8"><si><t>姓名</t></si><si><t>公民身份号码</t></si><si><t>出生日期</t></si><si><t>持证日期</t></si><si><t>工龄</t></si><si><t>张三</t></si><si><r><t>李</t></r><r><rPr><b/><sz val="11"/></rPr><t>四</t></r><rPh sb="0" eb="1"><t>リ</t></rPh></si><si><t xml:space="preserve"> 11010519491231002X</t></si></sst>'''

SHEET1 = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:E5"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="14.25"/><sheetData><row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row><row r="2" spans="1:5"><c r="A2" t="s"><v>5</v></c><c r="B2"><v>4.4052418800101E+17</v></c><c r="C2" s="1"><v>29221</v></c><c r="D2" s="2"><v>43466</v></c><c r="E2"><v>3</v></c></row><row r="3" spans="1:5"><c r="A3" t="s"><v>6</v></c><c r="B3" s="3" t="s"><v>7</v></c><c r="C3" s="1"><v>60</v></c><c r="E3"><v>2.5</v></c></row><row r="5" spans="1:5"><c r="A5" t="inlineStr"><is><t>王五</t></is></c><c r="C5" s="1"><v>61</v></c><c r="D5" t="b"><v>1</v></c><c r="E5" t="str"><f>E2*2</f><v>6</v></c></row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'''

SHEET2 = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>填表说明</t></is></c></row></sheetData></worksheet>'''


def main():
    path = os.path.join(HERE, 'excel_workers.xlsx')
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in [('[Content_Types].xml', CT), ('_rels/.rels', RELS),
                           ('xl/workbook.xml', WB), ('xl/_rels/workbook.xml.rels', WBRELS),
                           ('xl/styles.xml', STYLES), ('xl/sharedStrings.xml', SST),
                           ('xl/worksheets/sheet1.xml', SHEET1),
                           ('xl/worksheets/sheet2.xml', SHEET2)]:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 22, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode('utf-8'))
    csv = ('姓名,公民身份号码,单位,备注\r\n'
           '张三,440524188001010014,"清远市社工协会,清城区",\r\n'
           '李四,11010519491231002X,清新区社工站,"第一行\r\n第二行"\r\n'
           '\r\n'
           '䶮,440524188001010014,,€\r\n')
    with open(os.path.join(HERE, 'workers_gb18030.csv'), 'wb') as f:
        f.write(csv.encode('gb18030'))


if __name__ == '__main__':
    main()
