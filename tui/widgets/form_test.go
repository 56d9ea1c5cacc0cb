package widgets

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"fieldcase/tui/styles"
)

func testStyles() *styles.Styles { return styles.New(false) }

func press(t tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: t} }

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestFormMovesTypesAndChooses(t *testing.T) {
	f := NewForm(testStyles())
	f.AddText("name", "姓名", "", 20)
	f.AddChoice("kind", "类型", []Option{{"a", "甲"}, {"b", "乙"}})
	f.AddCheck("ok", "同意")
	f.AddButton("go", "提交")
	f.SetSize(60, 10)
	f.FocusFirst()
	f, _ = f.Update(runes("张三q"))
	if f.Value("name") != "张三q" || !f.Changed {
		t.Fatalf("typed %q", f.Value("name"))
	}
	f, _ = f.Update(press(tea.KeyTab))
	f, _ = f.Update(press(tea.KeyRight))
	if f.Value("kind") != "b" {
		t.Fatalf("choice %q", f.Value("kind"))
	}
	f, _ = f.Update(press(tea.KeyDown))
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
	if !f.Checked("ok") {
		t.Fatal("space did not check the box")
	}
	f, _ = f.Update(press(tea.KeyDown))
	f, _ = f.Update(press(tea.KeyEnter))
	if !f.Submitted || f.Pressed != "go" {
		t.Fatal("Enter on the button did not press it")
	}
}

func TestFormShowsErrorsUnderFieldsAndScrolls(t *testing.T) {
	f := NewForm(testStyles())
	for i := 0; i < 12; i++ {
		f.AddText(string(rune('a'+i)), "第"+string(rune('a'+i))+"项", "", 20)
	}
	f.SetSize(40, 6)
	f.FocusFirst()
	f.SetError("c", "这里有一个很长很长的错误说明，需要折成几行显示在字段下面")
	for i := 0; i < 11; i++ {
		f, _ = f.Update(press(tea.KeyTab))
	}
	v := f.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6:\n%s", len(lines), v)
	}
	if !strings.Contains(v, "> 第l项") {
		t.Fatalf("the focused last field is not in view:\n%s", v)
	}
	if !strings.Contains(v, "上方还有内容") {
		t.Fatalf("no note of hidden lines:\n%s", v)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 40 {
			t.Fatalf("line wider than 40: %q", l)
		}
	}
	f.Focus("c")
	if v := f.View(); !strings.Contains(v, "! 这里有一个很长") {
		t.Fatalf("the error is not under its field:\n%s", v)
	}
}

func TestFormHiddenFieldsAreSkipped(t *testing.T) {
	f := NewForm(testStyles())
	f.AddText("a", "甲", "", 5)
	f.AddText("b", "乙", "", 5)
	f.AddText("c", "丙", "", 5)
	f.SetHidden("b", true)
	f.SetSize(40, 10)
	f.FocusFirst()
	f, _ = f.Update(press(tea.KeyTab))
	if f.Focused() != "c" {
		t.Fatalf("focus on %q, want c", f.Focused())
	}
	if strings.Contains(f.View(), "乙") {
		t.Fatal("a hidden field is drawn")
	}
}
