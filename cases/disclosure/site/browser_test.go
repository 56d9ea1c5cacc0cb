package site

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"fieldcase/cases/disclosure"
)

// state is what the page shows: its status line, the decision numbers of
// the rows on screen, and the pager.
type state struct {
	Status  string   `json:"status"`
	Numbers []string `json:"numbers"`
	Prev    bool     `json:"prev"` // disabled
	Next    bool     `json:"next"` // disabled
	Pager   bool     `json:"pager"`
	Search  bool     `json:"search"`
}

const readState = `(() => ({
	status: document.getElementById('status').textContent,
	numbers: Array.from(document.querySelectorAll('#records tbody tr')).filter(r => !r.hidden).map(r => r.dataset.no),
	prev: document.getElementById('prev').disabled,
	next: document.getElementById('next').disabled,
	pager: !document.getElementById('pager').hidden,
	search: !document.getElementById('search').hidden,
}))()`

// search fills the form and submits it as a person would.
func search(no, violation, from, to string) string {
	return `(() => {
		document.getElementById('f-no').value = ` + jsString(no) + `;
		document.getElementById('f-v').value = ` + jsString(violation) + `;
		document.getElementById('f-from').value = ` + jsString(from) + `;
		document.getElementById('f-to').value = ` + jsString(to) + `;
		document.getElementById('filter').requestSubmit();
	})()`
}

// TestSiteInChromium opens the exported site in headless Chromium and
// checks that search by number, violation and date and the paging work,
// that the URL carries a search, that the Chinese is drawn with a font
// that has the glyphs, that the page fits a phone's width, that the page
// asks for nothing outside its folder, and that no ID or mobile number
// planted in the cases appears anywhere in the rendered DOM. Screenshots
// (desktop and phone) are left in testdata/out.
func TestSiteInChromium(t *testing.T) {
	d, secrets := fixture(t)
	dir := filepath.Join(t.TempDir(), "gongshi")
	if err := Write(dir, d); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(dir) + "/index.html"
	b := startBrowser(t)
	b.open(url)

	var s state
	b.eval(readState, &s)
	if !s.Search || s.Status != "共 45 条，第 1 / 3 页" || len(s.Numbers) != PageSize || !s.Prev || s.Next || !s.Pager {
		t.Fatalf("first page: %+v", s)
	}
	if s.Numbers[0] != "南城管罚决字〔2026〕第0045号" {
		t.Errorf("first row %q, want the newest decision", s.Numbers[0])
	}
	b.eval(`document.getElementById('next').click()`, nil)
	b.eval(`document.getElementById('next').click()`, nil)
	b.eval(readState, &s)
	if s.Status != "共 45 条，第 3 / 3 页" || len(s.Numbers) != 5 || s.Prev || !s.Next {
		t.Fatalf("last page: %+v", s)
	}
	var loc string
	b.eval(`location.search`, &loc)
	if loc != "?page=3" {
		t.Errorf("the URL after paging is %q", loc)
	}

	// By decision number, typed in full-width digits and brackets.
	b.eval(search("２０２６〕第００１２号", "", "", ""), nil)
	b.eval(readState, &s)
	if s.Status != "共 1 条，第 1 / 1 页" || len(s.Numbers) != 1 || s.Numbers[0] != "南城管罚决字〔2026〕第0012号" || s.Pager {
		t.Fatalf("search by number: %+v", s)
	}
	// By violation and a date range: the rows the fixture says.
	var want []string
	for _, e := range d.Entries {
		if e.Status != disclosure.StatusWithdrawn && e.Violation == "占道经营" && e.Decided >= "2026-11-05" && e.Decided <= "2026-11-15" {
			want = append(want, e.Number)
		}
	}
	b.eval(search("", "占道经营", "2026-11-05", "2026-11-15"), nil)
	b.eval(readState, &s)
	if len(want) == 0 || strings.Join(s.Numbers, ",") != strings.Join(want, ",") {
		t.Fatalf("search by violation and date: %+v, want %v", s, want)
	}
	b.eval(search("第9999号", "", "", ""), nil)
	b.eval(readState, &s)
	if s.Status != "没有符合条件的公示信息" || len(s.Numbers) != 0 {
		t.Fatalf("search with no result: %+v", s)
	}
	b.eval(`document.getElementById('filter').reset()`, nil)
	b.eval(`new Promise(r => setTimeout(r, 0))`, nil)
	b.eval(readState, &s)
	if s.Status != "共 45 条，第 1 / 3 页" {
		t.Fatalf("after reset: %+v", s)
	}

	// A search carried in the URL (a link someone shares).
	b.open(url + "?v=" + "%E5%BA%97%E5%A4%96%E7%BB%8F%E8%90%A5" + "&page=1")
	b.eval(readState, &s)
	if len(s.Numbers) != 15 || !strings.HasPrefix(s.Status, "共 15 条") {
		t.Fatalf("search from the URL (店外经营): %+v", s)
	}
	b.open(url)

	// Chinese drawn with a font that has the glyphs: every character of the
	// heading comes from some font, none from a fallback without them.
	heading := "行政处罚信息公示"
	fonts := b.fontsOf("h1")
	glyphs := 0
	for _, n := range fonts {
		glyphs += n
	}
	if glyphs != len([]rune(heading)) {
		t.Errorf("the heading %q was drawn with %v (%d glyphs)", heading, fonts, glyphs)
	}
	var lang string
	b.eval(`document.documentElement.lang`, &lang)
	if lang != "zh-CN" {
		t.Errorf("lang %q", lang)
	}

	// Every request stays in the site's folder (data: URLs are the
	// browser's own date-picker icon, inside the page).
	for _, u := range b.requests() {
		if !strings.HasPrefix(u, "file://"+filepath.ToSlash(dir)+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page asked for %s", u)
		}
	}

	// Nothing personal in the DOM, hidden rows and attributes included.
	var dom string
	b.eval(`document.documentElement.outerHTML`, &dom)
	checkNoSecrets(t, dom, secrets)

	b.screenshot(filepath.Join("testdata", "out", "site-desktop.png"), 1280, 900, false)
	// On a phone: the records are cards, nothing wider than the screen.
	b.screenshot(filepath.Join("testdata", "out", "site-phone.png"), 390, 844, true)
	var fit struct {
		Scroll, Inner int
		Head          string
	}
	b.eval(`({scroll: document.documentElement.scrollWidth, inner: window.innerWidth, head: getComputedStyle(document.querySelector('#records thead')).position})`, &fit)
	if fit.Scroll > fit.Inner || fit.Head != "absolute" {
		t.Errorf("on a phone: page %dpx wide in a %dpx screen, table head %q", fit.Scroll, fit.Inner, fit.Head)
	}
}

var (
	idShape     = regexp.MustCompile(`[0-9]{17}[0-9Xx]`)
	mobileShape = regexp.MustCompile(`1[3-9][0-9]{9}`)
)

// checkNoSecrets fails on an ID- or mobile-shaped run of digits in the
// DOM (full-width digits read as ASCII, single marks between digits
// dropped), and on any planted number's digits appearing in order.
func checkNoSecrets(t *testing.T, dom string, p planted) {
	t.Helper()
	var flat strings.Builder
	rs := []rune(dom)
	for i, r := range rs {
		if r >= '０' && r <= '９' {
			r = '0' + (r - '０')
		}
		isMark := r == ' ' || r == '-' || r == '.' || r == '\u3000'
		if isMark && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]) {
			continue
		}
		flat.WriteRune(r)
	}
	text := flat.String()
	if m := idShape.FindString(text); m != "" {
		t.Errorf("an ID-shaped number is in the DOM: %s", m)
	}
	if m := mobileShape.FindString(text); m != "" {
		t.Errorf("a mobile-shaped number is in the DOM: %s", m)
	}
	for _, s := range append(append([]string{}, p.ids...), p.mobiles...) {
		if strings.Contains(text, s) || strings.Contains(text, s[len(s)-8:]) {
			t.Errorf("a planted number (…%s) is in the DOM", s[len(s)-4:])
		}
	}
}
