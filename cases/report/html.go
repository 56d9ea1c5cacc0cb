package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"
)

// The HTML form is one printable section, 行政执法三项制度落实情况, for the
// annual rule-of-law report: the headline figures in prose and tables, and
// charts drawn here as inline SVG (no script, no external file), so the
// section can be pasted into a word processor or printed as it is.

// svgBar is one bar of a chart, already placed.
type svgBar struct {
	Label       string
	Value       string
	X, Y, W, H  int
	TextX, TX   int
	TextY, VY   int
	Class       string
	Description string
	LA, VA      string // text-anchor of the label and of the value
}

// chart is an SVG chart: its size, title (for the accessible name) and bars.
type chart struct {
	ID     string
	Title  string
	Width  int
	Height int
	Bars   []svgBar
	Axis   int // y of the baseline (column charts)
	Legend []legendItem
}

type legendItem struct {
	Label string
	Class string
	X     int
}

// rowChart draws horizontal bars, one row per item, scaled to the largest.
func rowChart(id, title string, items []Count) chart {
	const labelW, barW, rowH, top = 200, 320, 26, 8
	c := chart{ID: id, Title: title, Width: labelW + barW + 70, Height: top*2 + rowH*max(len(items), 1)}
	var most int64
	for _, it := range items {
		most = max(most, it.Count)
	}
	for i, it := range items {
		w := 0
		if most > 0 {
			w = int(it.Count * barW / most)
		}
		if it.Count > 0 && w < 2 {
			w = 2
		}
		y := top + i*rowH
		c.Bars = append(c.Bars, svgBar{Label: it.Label, Value: i64(it.Count), X: labelW, Y: y + 4, W: w, H: rowH - 8,
			TextX: labelW - 8, TextY: y + rowH/2 + 5, TX: labelW + w + 6, VY: y + rowH/2 + 5, Class: "b1",
			Description: fmt.Sprintf("%s：%d", it.Label, it.Count), LA: "end", VA: "start"})
	}
	return c
}

// monthChart draws, for each month, a column of cases recorded beside one
// of decisions made.
func monthChart(ms []Month) chart {
	const left, plotH, top, colW, gap = 40, 180, 16, 20, 12
	n := max(len(ms), 1)
	c := chart{ID: "chart-month", Title: "按月记录与决定案件数", Width: left + n*(2*colW+gap) + 20, Height: top + plotH + 44, Axis: top + plotH,
		Legend: []legendItem{{"记录", "b1", left}, {"决定", "b2", left + 80}}}
	var most int64
	for _, m := range ms {
		most = max(most, m.Recorded, m.Decided)
	}
	h := func(v int64) int {
		if most == 0 {
			return 0
		}
		return int(v * plotH / most)
	}
	for i, m := range ms {
		x := left + i*(2*colW+gap)
		for j, v := range []int64{m.Recorded, m.Decided} {
			bh := h(v)
			cls, what := "b1", "记录"
			if j == 1 {
				cls, what = "b2", "决定"
			}
			b := svgBar{Value: i64(v), X: x + j*colW, Y: top + plotH - bh, W: colW - 2, H: bh, Class: cls,
				TX: x + j*colW + colW/2 - 1, VY: top + plotH - bh - 3, Description: fmt.Sprintf("%s %s %d 件", m.Month, what, v), LA: "middle", VA: "middle"}
			if j == 0 {
				b.Label, b.TextX, b.TextY = m.Month[5:]+"月", x+colW, top+plotH+16
			}
			c.Bars = append(c.Bars, b)
		}
	}
	return c
}

type htmlView struct {
	District
	Summary   string
	Charts    []chart
	GroupHead string
	Docs      int64
}

// WriteDistrictHTML writes the report as a standalone HTML page holding
// the printable section.
func WriteDistrictHTML(w io.Writer, d District) error {
	v := htmlView{District: d, GroupHead: ByLabel(d.By), Docs: sum(d.Documents)}
	v.Summary = summary(d)
	v.Charts = append(v.Charts, monthChart(d.ByMonth))
	v.Charts = append(v.Charts, rowChart("chart-ground", "不予行政处罚的理由", nonZeroOrMain(d.ByGround)))
	if len(d.Groups) > 0 && d.By != ByMonth {
		var items []Count
		for i, g := range d.Groups {
			if i == 12 {
				break
			}
			items = append(items, Count{Code: g.Key, Label: clip(g.Label, 24), Count: g.Figures.Recorded})
		}
		v.Charts = append(v.Charts, rowChart("chart-group", "按"+ByLabel(d.By)+"记录案件数", items))
	}
	return pageTemplate.Execute(w, v)
}

func nonZeroOrMain(cs []Count) []Count {
	var out []Count
	for _, c := range cs {
		if c.Count > 0 || isMain(c.Code) {
			out = append(out, c)
		}
	}
	return out
}

// summary is the paragraph an annual report prints: the year's figures in
// one run of prose.
func summary(d District) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s至%s，共记录案件%d起，立案%d起；审核行政处罚案件%d起，退回补正%d起；送法制审核%d起，出具法制审核意见%d份；集体讨论重大处罚决定%d起。",
		d.From, d.To, d.Recorded, d.Filed, d.Reviewed, d.Returned, d.LegalSent, d.LegalReviews, d.Collective)
	fmt.Fprintf(&b, "当事人要求听证%d起，举行听证%d起。作出决定%d起，其中给予行政处罚%d起（罚款%d起，合计%s元，实缴%s元），不予行政处罚%d起；涉企案件作出决定%d起，其中不予行政处罚%d起。",
		d.HearingsAsked, d.HearingsHeld, d.Decided, d.Penalized, d.Fined, d.FinesYuan, d.CollectedYuan, d.NotPenalized, d.Org.Decided, d.Org.NotPenalized)
	if t := d.Disclosure; t != nil {
		fmt.Fprintf(&b, "公示行政处罚信息%d条，其中按时公示%d条，逾期%d条；更正%d条，撤回%d条。", t.Published, t.OnTime, t.Late, t.Corrected, t.Withdrawn)
	} else {
		fmt.Fprintf(&b, "公示行政处罚信息%d条。", d.Disclosed)
	}
	if d.HandlingCases > 0 {
		fmt.Fprintf(&b, "自立案至作出决定平均%.1f个工作日；", d.AvgWorkingDays)
	}
	fmt.Fprintf(&b, "已立案未决%d起，其中超过%d日未作出决定%d起。", d.Pending, d.DeadlineDays, len(d.Overdue))
	return b.String()
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
.rol { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; color: #1a1a1a; max-width: 46em; margin: 0 auto; line-height: 1.8; }
.rol h2 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", sans-serif; font-size: 1.4em; text-align: center; }
.rol h3 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", sans-serif; font-size: 1.1em; margin-top: 1.6em; }
.rol p { text-indent: 2em; text-align: justify; }
.rol table { border-collapse: collapse; width: 100%; margin: .6em 0; font-size: .95em; }
.rol th, .rol td { border: 1px solid #555; padding: .2em .5em; }
.rol th { background: #eee; font-weight: bold; text-align: left; }
.rol td.n { text-align: right; font-variant-numeric: tabular-nums; }
.rol figure { margin: 1em 0; text-align: center; break-inside: avoid; }
.rol figcaption { text-align: center; font-size: .9em; }
.rol svg text { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", sans-serif; font-size: 12px; fill: #1a1a1a; }
.rol svg .b1 { fill: #1f4e8c; }
.rol svg .b2 { fill: #c0392b; }
.rol svg .axis { stroke: #555; stroke-width: 1; }
.rol svg text.v { font-size: 10px; }
@media print { .rol { max-width: none; } .rol table, .rol figure { break-inside: avoid; } }
</style>
</head>
<body>
<section class="rol" aria-labelledby="rol-title">
<h2 id="rol-title">行政执法三项制度落实情况</h2>
<p>{{.Summary}}</p>

<h3>一、行政执法公示</h3>
<table>
<caption>公示情况（{{.From}} 至 {{.To}}）</caption>
<tbody>
{{- with .Disclosure}}
<tr><th scope="row">公示行政处罚信息（条）</th><td class="n">{{.Published}}</td></tr>
<tr><th scope="row">其中按时公示（决定后{{.DueWorkingDays}}个工作日内）</th><td class="n">{{.OnTime}}</td></tr>
<tr><th scope="row">逾期公示</th><td class="n">{{.Late}}</td></tr>
<tr><th scope="row">更正</th><td class="n">{{.Corrected}}</td></tr>
<tr><th scope="row">撤回</th><td class="n">{{.Withdrawn}}</td></tr>
{{- else}}
<tr><th scope="row">公示行政处罚信息（条）</th><td class="n">{{.Disclosed}}</td></tr>
{{- end}}
<tr><th scope="row">决定不予公开</th><td class="n">{{.Withheld}}</td></tr>
</tbody>
</table>

<h3>二、执法全过程记录</h3>
<table>
<caption>办案过程</caption>
<tbody>
<tr><th scope="row">记录案件</th><td class="n">{{.Recorded}}</td></tr>
<tr><th scope="row">立案</th><td class="n">{{.Filed}}</td></tr>
<tr><th scope="row">出具执法文书</th><td class="n">{{.Docs}}</td></tr>
<tr><th scope="row">平均办理工作日（立案至决定）</th><td class="n">{{printf "%.1f" .AvgWorkingDays}}</td></tr>
<tr><th scope="row">已立案未决</th><td class="n">{{.Pending}}</td></tr>
<tr><th scope="row">超过{{.DeadlineDays}}日未作出决定</th><td class="n">{{len .Overdue}}</td></tr>
</tbody>
</table>

<h3>三、重大执法决定法制审核</h3>
<table>
<caption>审核与决定</caption>
<tbody>
<tr><th scope="row">审核行政处罚案件</th><td class="n">{{.Reviewed}}</td></tr>
<tr><th scope="row">退回补正</th><td class="n">{{.Returned}}</td></tr>
<tr><th scope="row">送法制审核</th><td class="n">{{.LegalSent}}</td></tr>
<tr><th scope="row">法制审核意见</th><td class="n">{{.LegalReviews}}</td></tr>
<tr><th scope="row">集体讨论</th><td class="n">{{.Collective}}</td></tr>
<tr><th scope="row">作出决定</th><td class="n">{{.Decided}}</td></tr>
<tr><th scope="row">给予行政处罚</th><td class="n">{{.Penalized}}</td></tr>
<tr><th scope="row">罚款金额（元）</th><td class="n">{{.FinesYuan}}</td></tr>
<tr><th scope="row">实缴罚款（元）</th><td class="n">{{.CollectedYuan}}</td></tr>
<tr><th scope="row">当事人要求听证</th><td class="n">{{.HearingsAsked}}</td></tr>
<tr><th scope="row">举行听证</th><td class="n">{{.HearingsHeld}}</td></tr>
<tr><th scope="row">申请行政复议</th><td class="n">{{.Reconsiderations}}</td></tr>
<tr><th scope="row">提起行政诉讼</th><td class="n">{{.Litigations}}</td></tr>
<tr><th scope="row">复议、诉讼待决（期末）</th><td class="n">{{.InChallenge}}</td></tr>
<tr><th scope="row">不予行政处罚</th><td class="n">{{.NotPenalized}}</td></tr>
</tbody>
</table>
<table>
<caption>不予行政处罚的理由（全部 / 涉企）</caption>
<thead><tr><th scope="col">理由</th><th scope="col">全部</th><th scope="col">涉企</th></tr></thead>
<tbody>
{{- range $i, $g := .ByGround}}
<tr><th scope="row">{{$g.Label}}</th><td class="n">{{$g.Count}}</td><td class="n">{{with index $.Org.ByGround $i}}{{.Count}}{{end}}</td></tr>
{{- end}}
</tbody>
</table>
{{- if .Groups}}

<h3>四、按{{.GroupHead}}统计</h3>
<table>
<thead><tr><th scope="col">{{.GroupHead}}</th><th scope="col">记录</th><th scope="col">立案</th><th scope="col">决定</th><th scope="col">处罚</th><th scope="col">不罚</th><th scope="col">罚款（元）</th></tr></thead>
<tbody>
{{- range .Groups}}
<tr><th scope="row">{{.Label}}</th><td class="n">{{.Figures.Recorded}}</td><td class="n">{{.Figures.Filed}}</td><td class="n">{{.Figures.Decided}}</td><td class="n">{{.Figures.Penalized}}</td><td class="n">{{.Figures.NotPenalized}}</td><td class="n">{{.Figures.FinesYuan}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{range $c := .Charts}}
<figure>
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-labelledby="{{.ID}}-t">
<title id="{{.ID}}-t">{{.Title}}</title>
{{- if .Axis}}
<line class="axis" x1="36" y1="{{.Axis}}" x2="{{.Width}}" y2="{{.Axis}}"/>
{{- end}}
{{- range .Bars}}
<rect class="{{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}"><title>{{.Description}}</title></rect>
{{- if .Label}}
<text x="{{.TextX}}" y="{{.TextY}}" text-anchor="{{.LA}}">{{.Label}}</text>
{{- end}}
<text class="v" x="{{.TX}}" y="{{.VY}}" text-anchor="{{.VA}}">{{.Value}}</text>
{{- end}}
{{- range .Legend}}
<rect class="{{.Class}}" x="{{.X}}" y="{{$c.Height}}" width="12" height="12" transform="translate(0,-16)"/><text x="{{.X}}" dx="16" y="{{$c.Height}}" dy="-6">{{.Label}}</text>
{{- end}}
</svg>
<figcaption>{{.Title}}</figcaption>
</figure>
{{- end}}
</section>
</body>
</html>
`))
