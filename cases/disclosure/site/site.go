// Package site writes the 公示 as a static folder the district's web team
// can host as it is: index.html with every record in force for the range
// in a plain table (readable without script), a stylesheet, a small script
// that adds search by date, violation and decision number and paging, and
// gongshi.json, the same records as data. Everything is local — no font,
// script or image is fetched from elsewhere — and nothing is published
// beyond the masked records cases/disclosure makes.
package site

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"sort"

	"fieldcase/cases/disclosure"
)

//go:embed files/style.css files/search.js files/index.html.tmpl
var files embed.FS

// PageSize is how many records a page of the site shows.
const PageSize = 20

// Data is what the site shows.
type Data struct {
	Body           string             `json:"body"`
	From           string             `json:"from"`
	To             string             `json:"to"`
	Generated      string             `json:"generated"` // YYYY-MM-DD HH:MM
	DueWorkingDays int                `json:"due_working_days"`
	Entries        []disclosure.Entry `json:"entries"` // in force, then withdrawn
}

type view struct {
	Data
	Current    []disclosure.Entry
	Withdrawn  []disclosure.Entry
	Violations []string
	PageSize   int
	Facts      bool
}

var page = template.Must(template.New("index.html.tmpl").ParseFS(files, "files/index.html.tmpl"))

// Files renders the site: file name → contents.
func Files(d Data) (map[string][]byte, error) {
	v := view{Data: d, PageSize: PageSize}
	seen := map[string]bool{}
	for _, e := range d.Entries {
		if e.Status == disclosure.StatusWithdrawn {
			v.Withdrawn = append(v.Withdrawn, e)
			continue
		}
		v.Current = append(v.Current, e)
		if e.Facts != "" {
			v.Facts = true
		}
		if e.Violation != "" && !seen[e.Violation] {
			seen[e.Violation] = true
			v.Violations = append(v.Violations, e.Violation)
		}
	}
	sort.Strings(v.Violations)
	var html bytes.Buffer
	if err := page.Execute(&html, v); err != nil {
		return nil, err
	}
	index, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{"index.html": html.Bytes(), "gongshi.json": append(index, '\n')}
	for _, name := range []string{"style.css", "search.js"} {
		b, err := files.ReadFile("files/" + name)
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, nil
}

// ErrNotSite: the folder holds something other than a site written here.
var ErrNotSite = errors.New("不是空目录，也不是此前导出的公示网站，未写入；请指定新的目录")

// Marker is the file that tells a folder this package wrote, so that an
// export may replace it and never a folder of something else.
const Marker = "gongshi.json"

// Write renders the site into dir, replacing a site written there before:
// the new site is written beside it and swapped in, so a failure leaves
// the old one as it was. A folder that holds anything else is refused.
func Write(dir string, d Data) error {
	fs, err := Files(d)
	if err != nil {
		return err
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		if _, err := os.Stat(filepath.Join(dir, Marker)); err != nil {
			return fmt.Errorf("目录 %s %w", dir, ErrNotSite)
		}
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".gongshi-new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for name, b := range fs {
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		if old, err = os.MkdirTemp(parent, ".gongshi-old-"); err != nil {
			return err
		}
		os.Remove(old)
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return err
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}
