package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fieldcase/cases"
)

func issueSeq(c cases.Case, seq uint64, at time.Time) (cases.IssuedDocument, error) {
	return cases.IssuedDocument{Number: "第" + string(rune('0'+seq%10)) + "号", IssuedAt: at}, nil
}

func TestNumberBlocksAndIssue(t *testing.T) {
	st := openTest(t, t.TempDir())
	at := time.Date(2026, 11, 20, 10, 30, 0, 0, cases.ChinaTime())
	var ids []string
	for i := range 4 {
		ids = append(ids, create(t, st, sampleContent("张三", "11010519491231002X", at.Add(time.Duration(i)*time.Minute))).ID)
	}
	if _, _, _, err := st.IssueDocument(officer, ids[0], "onsite", issueSeq); !errors.Is(err, ErrNoNumbers) {
		t.Fatalf("without a block: %v", err)
	}
	if _, err := st.ReserveNumbers("onsite", 7, 8); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][2]uint64{{0, 3}, {9, 8}, {8, 12}, {1, 7}, {1, MaxBlock + 1}} {
		if _, err := st.ReserveNumbers("onsite", bad[0], bad[1]); err == nil {
			t.Errorf("block %v accepted", bad)
		}
	}
	if _, err := st.ReserveNumbers("onsite", 20, 20); err != nil {
		t.Fatal(err)
	}
	want := []uint64{7, 8, 20}
	for i, id := range ids[:3] {
		_, doc, reused, err := st.IssueDocument(officer, id, "onsite", issueSeq)
		if err != nil || reused || doc.Seq != want[i] || doc.Kind != "onsite" {
			t.Fatalf("case %d: %+v reused=%v err=%v", i, doc, reused, err)
		}
	}
	// A re-print reuses the number and writes nothing.
	before, _ := st.Events(ids[1])
	_, doc, reused, err := st.IssueDocument(officer, ids[1], "onsite", issueSeq)
	after, _ := st.Events(ids[1])
	if err != nil || !reused || doc.Seq != 8 || len(after) != len(before) {
		t.Fatalf("re-print: %+v reused=%v err=%v events %d→%d", doc, reused, err, len(before), len(after))
	}
	if _, _, _, err := st.IssueDocument(officer, ids[3], "onsite", issueSeq); !errors.Is(err, ErrNoNumbers) {
		t.Fatalf("after the blocks ran out: %v", err)
	}
	blocks, err := st.NumberBlocks()
	if err != nil || len(blocks["onsite"]) != 2 || blocks["onsite"][0].Left() != 0 || blocks["onsite"][1].Left() != 0 {
		t.Fatalf("blocks %+v %v", blocks, err)
	}
	// A refusal from the caller draws no number and records nothing.
	if _, err := st.ReserveNumbers("notice", 1, 5); err != nil {
		t.Fatal(err)
	}
	_, _, _, err = st.IssueDocument(officer, ids[0], "notice", func(cases.Case, uint64, time.Time) (cases.IssuedDocument, error) {
		return cases.IssuedDocument{}, errors.New("不适用")
	})
	if err == nil || !strings.Contains(err.Error(), "不适用") {
		t.Fatal(err)
	}
	blocks, _ = st.NumberBlocks()
	if blocks["notice"][0].Next != 1 {
		t.Error("a refused document used a number")
	}
	if problems, _, err := st.Verify(); err != nil || len(problems) > 0 {
		t.Fatalf("verify after issuing: %v %v", problems, err)
	}
}
