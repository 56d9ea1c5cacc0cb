package docs

import (
	"bytes"
	"html/template"
)

// The HTML form is one self-contained page sized for A4, with no script
// and nothing fetched: it prints from any browser on the officers' Windows
// or domestic-Linux laptops. Fonts come from the system through font
// stacks that name the faces each of those systems ships (仿宋/宋体 on
// Windows, Noto/思源 and 文泉驿 on UOS and Kylin), ending in a generic family.

// The stacks: titles in a heavy serif, body text in 仿宋 as official
// documents use, the number and codes in a monospace face.
const (
	titleFonts = `"方正小标宋简体", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "Noto Serif CJK SC", "Source Han Serif SC", "思源宋体", "SimHei", "黑体", "WenQuanYi Zen Hei", serif`
	bodyFonts  = `"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", "思源宋体", "SimSun", "宋体", "AR PL UMing CN", "WenQuanYi Zen Hei", serif`
	monoFonts  = `"Noto Sans Mono CJK SC", "Sarasa Mono SC", "NSimSun", "新宋体", "WenQuanYi Zen Hei Mono", monospace`
)

var page = template.Must(template.New("doc").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="generator" content="fieldcase">
<title>{{.Title}}{{if .Number}} {{.Number}}{{end}}</title>
<style>
@page { size: A4 portrait; margin: 25mm 22mm 22mm 25mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 163mm; color: #000; background: #fff;
  font-family: {{.BodyFonts}}; font-size: 15pt; line-height: 1.75; }
.body { text-align: center; font-family: {{.TitleFonts}}; font-size: 20pt; letter-spacing: 0.1em; margin: 0; }
h1 { text-align: center; font-family: {{.TitleFonts}}; font-size: 22pt; font-weight: bold; letter-spacing: 0.15em; margin: 4mm 0 2mm; }
.number { text-align: right; font-family: {{.MonoFonts}}; font-size: 12pt; margin: 0 0 6mm; }
.number.blank { color: #666; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.field { text-indent: 0; padding-left: 0; }
p.field .label { font-weight: bold; }
h2 { font-size: 15pt; font-weight: bold; margin: 3mm 0 1mm; }
ol { margin: 0 0 0 2em; padding-left: 1.5em; }
ol li { text-align: justify; }
.list-label { text-indent: 2em; }
.sign { text-indent: 0; margin-top: 3mm; }
.sign .blank { display: inline-block; min-width: 55mm; border-bottom: 1px solid #000; }
.right { text-align: right; text-indent: 0; }
.small { font-size: 11pt; text-indent: 0; margin-top: 4mm; }
hr.cut { border: 0; border-top: 1px dashed #000; margin: 8mm 0 4mm; page-break-after: avoid; }
.keep { page-break-inside: avoid; }
@media screen { body { padding: 15mm; box-shadow: 0 0 4mm #bbb; margin: 8mm auto; } }
</style>
</head>
<body>
<p class="body">{{.Body}}</p>
<h1>{{.Title}}</h1>
{{if .Number}}<p class="number">{{.Number}}</p>{{else}}<p class="number blank">文号：（正式出具时分配）</p>{{end}}
{{range .Blocks}}{{if eq .Kind 0}}<p>{{.Text}}</p>
{{else if eq .Kind 1}}<p class="field"><span class="label">{{.Label}}：</span>{{.Text}}</p>
{{else if eq .Kind 2}}<h2>{{.Text}}</h2>
{{else if eq .Kind 3}}<p class="list-label">{{.Label}}：</p>
<ol>{{range .List}}<li>{{.}}</li>{{end}}</ol>
{{else if eq .Kind 4}}<p class="sign keep">{{.Label}}：<span class="blank">&#8203;</span></p>
{{else if eq .Kind 5}}<p class="right">{{.Text}}</p>
{{else if eq .Kind 6}}<p class="small">{{.Text}}</p>
{{else if eq .Kind 7}}<hr class="cut">
{{end}}{{end}}</body>
</html>
`))

type htmlPage struct {
	Document
	TitleFonts, BodyFonts, MonoFonts template.CSS
}

// HTML renders the document as a print-ready A4 page. Every piece of case
// text is escaped by html/template.
func HTML(d Document) ([]byte, error) {
	var buf bytes.Buffer
	err := page.Execute(&buf, htmlPage{Document: d, TitleFonts: titleFonts, BodyFonts: bodyFonts, MonoFonts: monoFonts})
	return buf.Bytes(), err
}
