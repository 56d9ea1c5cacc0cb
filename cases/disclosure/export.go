package disclosure

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
)

// BOM is the UTF-8 byte-order mark: without it, spreadsheet programs on
// Chinese Windows read a CSV file as GBK and show mojibake.
const BOM = "\ufeff"

// Columns of the CSV file, in Chinese as the public reads them.
func columns(facts bool) []string {
	c := []string{"决定书文号", "当事人", "当事人类别", "证件号码", "法定代表人（负责人）", "地址", "违法行为类型", "处罚依据", "处罚内容", "作出决定的机关", "作出决定的日期"}
	if facts {
		c = append(c, "主要违法事实")
	}
	return c
}

func (r Record) cells(facts bool) []string {
	c := []string{r.Number, r.Party, r.PartyKind, r.IDNumber, r.LegalRep, r.Address, r.Violation, r.Basis, r.Penalty, r.Body, r.Decided}
	if facts {
		c = append(c, r.Facts)
	}
	return c
}

// WriteCSV writes the records as CSV in UTF-8 with a BOM and CRLF line
// ends. A cell that a spreadsheet would run as a formula (=, +, -, @ at
// its start) is prefixed with an apostrophe.
func WriteCSV(w io.Writer, rs []Record, facts bool) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(columns(facts)); err != nil {
		return err
	}
	for _, r := range rs {
		cells := r.cells(facts)
		for i, c := range cells {
			cells[i] = defuse(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Export is the JSON form: the batch's range and body with its records.
type Export struct {
	Body    string   `json:"body"`
	From    string   `json:"from"`
	To      string   `json:"to"`
	Batch   string   `json:"batch"`
	Count   int      `json:"count"`
	Records []Record `json:"records"`
}

// WriteJSON writes the export as indented JSON.
func WriteJSON(w io.Writer, e Export) error {
	if e.Records == nil {
		e.Records = []Record{}
	}
	e.Count = len(e.Records)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(e)
}
