package disclosure

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"time"

	"fieldcase/cases"
)

// An export that keeps a record of what it published (HQ's) tells the
// public, beside each new decision, which earlier ones it corrects and
// which it withdraws.

// Status of an entry in such an export.
const (
	StatusNew       = "新增"
	StatusCorrected = "更正"
	StatusWithdrawn = "撤回"
	StatusCurrent   = "在公示" // published earlier and unchanged
)

// Entry is one line of an export: a record and what this export does
// with it. A withdrawn entry carries only the decision's number, date,
// body and violation: nothing about the party is published again.
type Entry struct {
	Record
	Status string `json:"status"`
	Due    string `json:"due,omitempty"`  // last day of the 公示 period
	Late   bool   `json:"late,omitempty"` // first published after Due
	Note   string `json:"note,omitempty"`
}

// Withdrawal is the public entry for a withdrawn record.
func Withdrawal(r Record, note string) Entry {
	return Entry{Record: Record{Number: r.Number, Violation: r.Violation, Body: r.Body, Decided: r.Decided, CaseID: r.CaseID},
		Status: StatusWithdrawn, Note: note}
}

// Digest identifies a record's published content: two records with the
// same digest read the same to the public.
func Digest(r Record) string {
	data, _ := json.Marshal(r) // CaseID is not marshalled
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// DefaultDueWorkingDays is the 公示 period after a decision when the
// agency sets none: seven working days, the common local rule.
const DefaultDueWorkingDays = 7

// DueDate is the last day to publish a decision made on decided: n
// working days later. Saturdays and Sundays are skipped; statutory
// holidays are not known here, so near a holiday the date comes early,
// never late.
func DueDate(decided time.Time, n int) time.Time {
	y, m, d := decided.In(cases.ChinaTime()).Date()
	t := time.Date(y, m, d, 0, 0, 0, 0, cases.ChinaTime())
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// WriteEntriesCSV writes entries as WriteCSV writes records, with the
// status first and the due date, lateness and note last.
func WriteEntriesCSV(w io.Writer, es []Entry, facts bool) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	head := append(append([]string{"状态"}, columns(facts)...), "应公示截止日", "是否逾期", "说明")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, e := range es {
		late := ""
		if e.Late {
			late = "逾期"
		}
		row := append(append([]string{e.Status}, e.cells(facts)...), e.Due, late, e.Note)
		for i, c := range row {
			row[i] = defuse(c)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Batch is the JSON form of such an export.
type Batch struct {
	Body    string  `json:"body"`
	From    string  `json:"from"`
	To      string  `json:"to"`
	Batch   string  `json:"batch"`
	Count   int     `json:"count"`
	Entries []Entry `json:"entries"`
}

// WriteBatchJSON writes the batch as indented JSON.
func WriteBatchJSON(w io.Writer, b Batch) error {
	if b.Entries == nil {
		b.Entries = []Entry{}
	}
	b.Count = len(b.Entries)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}
