package wizard

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"fieldcase/cases"
	"fieldcase/tui/keys"
	"fieldcase/tui/present"
	"fieldcase/tui/screen"
	"fieldcase/tui/widgets"
)

// partyStep finds a known party (by name, pinyin, ID number or credit
// code, from the store's party index) or registers a new person or
// organisation, checking ID numbers and credit codes as they are typed.
type partyStep struct {
	sh     *screen.Context
	keys   keys.Wizard
	width  int
	height int

	searching bool
	input     textinput.Model
	results   []cases.Party
	query     string // the query results answer
	job       int
	loading   bool
	err       error
	cursor    int
	offset    int

	form    widgets.Form
	changed bool
	done    bool
}

var idTypeOptions = []widgets.Option{
	{Value: "", Label: "居民身份证"},
	{Value: cases.IDPassport, Label: "护照"},
	{Value: cases.IDHKMacaoPermit, Label: "港澳通行证"},
	{Value: cases.IDTaiwanPermit, Label: "台湾通行证"},
	{Value: cases.IDForeignPermanent, Label: "外国人永居证"},
}

func newPartyStep(sh *screen.Context) partyStep {
	p := partyStep{sh: sh, keys: keys.NewWizard()}
	p.input = widgets.NewInput(sh.Styles, "姓名、拼音首字母、证件号码或信用代码", 40)
	p.form = widgets.NewForm(sh.Styles)
	f := &p.form
	f.AddChoice("party.kind", "当事人类型", []widgets.Option{{Value: string(cases.PartyPerson), Label: "公民"}, {Value: string(cases.PartyOrg), Label: "单位（法人或其他组织）"}})
	f.AddText("party.name", "姓名", "", cases.MaxNameLen)
	f.AddChoice("party.id_type", "证件类型", idTypeOptions)
	f.AddText("party.id_number", "证件号码", "18 位公民身份号码", 30)
	f.AddText("party.uscc", "统一社会信用代码", "18 位，见营业执照", 30)
	f.AddText("party.uscc_override_reason", "保留原因", "如：已核对营业执照原件，代码无误", 200)
	f.AddText("party.legal_rep", "法定代表人", "可不填", cases.MaxNameLen)
	f.AddText("party.phone", "联系电话", "可不填", 20)
	f.AddText("party.address", "住址", "可不填", cases.MaxPlaceLen)
	p.sync()
	return p
}

func (p *partyStep) load(c cases.Content) tea.Cmd {
	p.fill(c.Party)
	if c.Party.Name == "" && c.Party.IDNumber == "" && c.Party.USCC == "" {
		return p.startSearch()
	}
	p.searching = false
	p.input.Blur()
	return p.form.Focus("party.name")
}

// fill puts a party into the form (cleaned: it may come from sync).
func (p *partyStep) fill(pt cases.Party) {
	f := &p.form
	kind := pt.Kind
	if kind == "" {
		kind = cases.PartyPerson
	}
	f.SetValue("party.kind", string(kind))
	f.SetValue("party.name", present.Clean(pt.Name))
	idType := present.Clean(pt.IDType)
	if idType == cases.IDResident {
		idType = ""
	}
	f.SetValue("party.id_type", idType)
	f.SetValue("party.id_number", present.Clean(pt.IDNumber))
	f.SetValue("party.uscc", present.Clean(pt.USCC))
	f.SetValue("party.uscc_override_reason", present.Clean(pt.USCCOverride))
	f.SetValue("party.legal_rep", present.Clean(pt.LegalRep))
	f.SetValue("party.phone", present.Clean(pt.Phone))
	f.SetValue("party.address", present.Clean(pt.Address))
	f.ClearMessages()
	p.sync()
	p.live()
}

func (p *partyStep) startSearch() tea.Cmd {
	p.searching = true
	p.form.Blur()
	p.cursor, p.offset = 0, 0
	return p.input.Focus()
}

// Typing reports whether a text field has focus.
func (p partyStep) Typing() bool { return p.searching || p.form.Typing() }

// SetSize lays the step out.
func (p *partyStep) SetSize(w, h int) {
	p.width, p.height = w, h
	p.input.Width = max(10, min(44, w-12))
	p.form.SetSize(w-1, max(1, h-2))
	p.scroll()
}

func (p partyStep) kind() cases.PartyKind { return cases.PartyKind(p.form.Value("party.kind")) }

// sync shows the fields that fit the kind of party.
func (p *partyStep) sync() {
	f := &p.form
	org := p.kind() == cases.PartyOrg
	f.SetHidden("party.id_type", org)
	f.SetHidden("party.id_number", org)
	f.SetHidden("party.uscc", !org)
	f.SetHidden("party.legal_rep", !org)
	if org {
		f.SetLabel("party.name", "单位名称")
		f.SetLabel("party.address", "地址")
	} else {
		f.SetLabel("party.name", "姓名")
		f.SetLabel("party.address", "住址")
	}
	if f.Value("party.id_type") == "" {
		f.SetPlaceholder("party.id_number", "18 位公民身份号码")
	} else {
		f.SetPlaceholder("party.id_number", "5-30 位字母或数字")
	}
	_, warn, _ := cases.ValidateUSCC(f.Value("party.uscc"))
	f.SetHidden("party.uscc_override_reason", !org || (warn == nil && strings.TrimSpace(f.Value("party.uscc_override_reason")) == ""))
}

// live checks the number being typed and says so under the field.
func (p *partyStep) live() {
	f := &p.form
	if fl := f.Field("party.id_number"); fl != nil {
		fl.Err, fl.OK, fl.Hint = "", "", ""
		v := strings.TrimSpace(f.Value("party.id_number"))
		switch {
		case v == "":
		case f.Value("party.id_type") != "":
		case len([]rune(v)) < 18 && allASCIIDigits(v):
			fl.Hint = "已输入 " + strconv.Itoa(len([]rune(v))) + " 位，共 18 位"
		default:
			if id, err := cases.ValidateResidentIDAt(v, p.sh.Now); err != nil {
				fl.Err = err.Error()
			} else {
				sex := "男"
				if id.Female {
					sex = "女"
				}
				fl.OK = "号码有效：" + id.Birth.Format("2006-01-02") + " 出生，" + sex + "，" + id.Region
			}
		}
	}
	if fl := f.Field("party.uscc"); fl != nil {
		fl.Err, fl.OK, fl.Warn, fl.Hint = "", "", "", ""
		v := strings.TrimSpace(f.Value("party.uscc"))
		switch {
		case v == "":
		case len([]rune(v)) < 18:
			fl.Hint = "已输入 " + strconv.Itoa(len([]rune(v))) + " 位，共 18 位"
		default:
			_, warn, err := cases.ValidateUSCC(v)
			switch {
			case err != nil:
				fl.Err = err.Error()
			case warn != nil:
				fl.Warn = warn.Error() + "。如核对执照确认无误，请在下方写明保留原因"
			default:
				fl.OK = "代码有效（校验通过）"
			}
		}
	}
}

func allASCIIDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

const partyListTop = 3

func (p partyStep) rows() int { return max(1, p.height-partyListTop-2) }

// choices is the number of rows in the search list: the parties found and
// the two "register new" rows.
func (p partyStep) choices() int { return len(p.results) + 2 }

func (p *partyStep) scroll() {
	p.cursor = max(0, min(p.cursor, p.choices()-1))
	p.offset = widgets.Window(p.offset, p.cursor, p.rows(), p.choices())
}

// Update handles search and the form.
func (p partyStep) Update(msg tea.Msg) (partyStep, tea.Cmd) {
	p.changed = false
	switch msg := msg.(type) {
	case partiesMsg:
		if msg.job != p.job {
			return p, nil // an answer to an older query
		}
		p.loading = false
		p.err = msg.err
		p.results, p.query = msg.parties, msg.query
		p.cursor, p.offset = 0, 0
		return p, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, p.keys.Search):
			return p, p.startSearch()
		case key.Matches(msg, p.keys.NewPerson):
			return p.newParty(cases.PartyPerson, "")
		case key.Matches(msg, p.keys.NewOrg):
			return p.newParty(cases.PartyOrg, "")
		}
		if p.searching {
			return p.searchKey(msg)
		}
		return p.formKey(msg)
	case tea.MouseMsg:
		if p.searching {
			switch {
			case msg.Button == tea.MouseButtonWheelUp:
				p.cursor--
			case msg.Button == tea.MouseButtonWheelDown:
				p.cursor++
			case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
				if i := msg.Y - partyListTop + p.offset; msg.Y >= partyListTop && i < p.choices() {
					if i == p.cursor {
						return p.choose()
					}
					p.cursor = i
				}
			}
			p.scroll()
			return p, nil
		}
		if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
			p.form.Click(msg.Y - 1)
		}
		return p, nil
	}
	return p, nil
}

func (p partyStep) searchKey(msg tea.KeyMsg) (partyStep, tea.Cmd) {
	switch {
	case key.Matches(msg, p.keys.Up):
		p.cursor--
	case key.Matches(msg, p.keys.Down):
		p.cursor++
	case key.Matches(msg, p.keys.PageUp):
		p.cursor -= p.rows()
	case key.Matches(msg, p.keys.PageDown):
		p.cursor += p.rows()
	case key.Matches(msg, p.keys.Confirm):
		return p.choose()
	default:
		before := p.input.Value()
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		if q := p.input.Value(); q != before {
			p.changed = true
			if strings.TrimSpace(q) == "" {
				p.results, p.query, p.loading = nil, "", false
				p.job = p.sh.NextJob()
				return p, cmd
			}
			p.job = p.sh.NextJob()
			p.loading = true
			return p, tea.Batch(cmd, searchParties(p.sh.Store, q, p.job))
		}
		return p, cmd
	}
	p.scroll()
	return p, nil
}

// choose takes the highlighted party, or starts a new one from the query.
func (p partyStep) choose() (partyStep, tea.Cmd) {
	q := strings.TrimSpace(p.input.Value())
	switch n := len(p.results); {
	case p.cursor < n:
		p.fill(p.results[p.cursor])
		p.searching = false
		p.input.Blur()
		p.changed = true
		return p, p.form.Focus("party.phone")
	case p.cursor == n:
		return p.newParty(cases.PartyPerson, q)
	default:
		return p.newParty(cases.PartyOrg, q)
	}
}

// newParty opens an empty form; a query that looks like a number goes into
// the number field, anything else into the name.
func (p partyStep) newParty(kind cases.PartyKind, q string) (partyStep, tea.Cmd) {
	pt := cases.Party{Kind: kind}
	switch {
	case q == "", looksLikePinyin(q): // a search by pinyin is no name to record
	case looksLikeNumber(q) && kind == cases.PartyPerson:
		pt.IDNumber = strings.ToUpper(q)
	case looksLikeNumber(q):
		pt.USCC = strings.ToUpper(q)
	default:
		pt.Name = q
	}
	p.fill(pt)
	p.searching = false
	p.input.Blur()
	p.changed = true
	if pt.Name == "" {
		return p, p.form.Focus("party.name")
	}
	if kind == cases.PartyOrg {
		return p, p.form.Focus("party.uscc")
	}
	return p, p.form.Focus("party.id_number")
}

// looksLikePinyin: only Latin letters, as typed to find a name by its
// pinyin or initials (zxm, zhangxiaoming).
func looksLikePinyin(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ' ' || r == '\'') {
			return false
		}
	}
	return true
}

func looksLikeNumber(s string) bool {
	digits := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			digits++
		} else if r > unicode.MaxASCII {
			return false
		}
	}
	return digits >= 6
}

func (p partyStep) formKey(msg tea.KeyMsg) (partyStep, tea.Cmd) {
	var cmd tea.Cmd
	p.form, cmd = p.form.Update(msg)
	if p.form.Changed {
		p.changed = true
		p.sync()
		p.live()
	}
	if p.form.Submitted {
		p.done = true // Enter on the last field: go on
	}
	return p, cmd
}

// apply writes the form into the content. It returns the problems the
// domain's validation does not phrase for a form (the override reason).
func (p *partyStep) apply(c *cases.Content) cases.FieldErrors {
	f := &p.form
	kind := p.kind()
	pt := cases.Party{
		Kind:    kind,
		Name:    cases.CleanLine(f.Value("party.name")),
		Phone:   cases.CleanLine(f.Value("party.phone")),
		Address: cases.CleanLine(f.Value("party.address")),
	}
	var es cases.FieldErrors
	if kind == cases.PartyOrg {
		pt.USCC = strings.ToUpper(strings.ReplaceAll(cases.CleanLine(f.Value("party.uscc")), " ", ""))
		pt.LegalRep = cases.CleanLine(f.Value("party.legal_rep"))
		_, warn, _ := cases.ValidateUSCC(pt.USCC)
		if warn != nil {
			pt.USCCOverride = cases.CleanLine(f.Value("party.uscc_override_reason"))
			if pt.USCCOverride == "" {
				es = append(es, cases.FieldError{Field: "party.uscc", Msg: "请写明保留原因"})
			}
		}
	} else {
		pt.IDType = f.Value("party.id_type")
		pt.IDNumber = strings.ToUpper(strings.ReplaceAll(cases.CleanLine(f.Value("party.id_number")), " ", ""))
		if pt.IDType == "" {
			if id, err := cases.ValidateResidentIDAt(pt.IDNumber, p.sh.Now); err == nil {
				pt.IDNumber = id.Number
			}
		}
	}
	c.Party = pt
	return es
}

// setError shows a validation error under its field. The credit-code
// override problem goes under the reason the officer must write.
func (p *partyStep) setError(field, msg string) {
	if field == "party.uscc" && (strings.Contains(msg, "保留原因") || strings.Contains(msg, "uscc_override_reason")) {
		msg = "请写明保留原因"
		p.form.SetHidden("party.uscc_override_reason", false)
		p.form.SetError("party.uscc_override_reason", msg)
		return
	}
	if field == "party.kind" {
		msg = "请选择当事人类型：公民或单位"
	}
	if !p.form.SetError(field, msg) {
		p.form.SetError("party.name", msg)
	}
	if p.searching {
		p.searching = false
		p.input.Blur()
	}
}

func (p partyStep) state() map[string]string {
	m := present.FormState(p.form)
	m["search"] = p.input.Value()
	if p.searching {
		m["searching"] = "true"
	}
	return m
}

func (p *partyStep) restore(m map[string]string) {
	present.RestoreForm(&p.form, m)
	p.sync()
	p.live()
	p.input.SetValue(m["search"])
	if m["searching"] == "true" {
		p.startSearch()
	} else {
		p.searching = false
		p.input.Blur()
	}
}

// View draws the search or the form.
func (p partyStep) View() string {
	st := p.sh.Styles
	if !p.searching {
		head := st.Muted.Render(widgets.Truncate(" 核对或填写当事人信息（F2 重新查找，F3 新登记公民，F4 新登记单位）", p.width))
		return head + "\n" + p.form.View()
	}
	lines := []string{
		st.Muted.Render(widgets.Truncate(" 先查找本机已登记的当事人；找不到时选择新登记（F3 公民，F4 单位）", p.width)),
		" " + st.Label.Render("查找 ") + p.input.View(),
		"",
	}
	q := strings.TrimSpace(p.input.Value())
	switch {
	case p.err != nil:
		lines = append(lines, st.Error.Render(widgets.Truncate("  ! 查找失败："+p.err.Error(), p.width)))
	case q == "":
		lines = append(lines, st.Muted.Render("  输入后即时查找；也可以直接选择下面的新登记。"))
	case p.loading && p.query != q:
		lines = append(lines, st.Muted.Render("  正在查找..."))
	case len(p.results) == 0:
		lines = append(lines, st.Muted.Render(widgets.Truncate("  本机没有找到「"+q+"」。请选择新登记。", p.width)))
	}
	rows := p.rows() - (len(lines) - partyListTop)
	for i := p.offset; i < p.choices() && i < p.offset+rows; i++ {
		sel := i == p.cursor
		base := st.List.Row
		mark := "  "
		if sel {
			base, mark = st.List.Selected, "> "
		}
		var row string
		switch n := len(p.results); {
		case i < n:
			row = partyRow(p.results[i], p.width-4)
		case i == n:
			row = "+ 新登记公民" + suffixQuery(q)
		default:
			row = "+ 新登记单位" + suffixQuery(q)
		}
		lines = append(lines, " "+base.Render(mark+widgets.Pad(row, p.width-4)))
	}
	return strings.Join(lines, "\n")
}

func suffixQuery(q string) string {
	switch {
	case q == "":
		return ""
	case looksLikePinyin(q):
		return "（姓名、名称请在下一屏填写）"
	}
	return "：" + q
}

// partyRow is one found party: name, kind, masked number, address.
func partyRow(pt cases.Party, w int) string {
	id := present.MaskID(present.Clean(pt.IDNumber))
	if pt.Kind == cases.PartyOrg {
		id = present.Clean(pt.USCC)
	}
	row := widgets.Pad(present.Clean(pt.Name), 20) + " " + widgets.Pad(present.PartyKindLabel(pt.Kind), 4) + " " + widgets.Pad(id, 18)
	if a := present.Clean(pt.Address); a != "" {
		row += " " + a
	}
	return widgets.Truncate(row, w)
}

// ShortHelp lists the step's keys.
func (p partyStep) ShortHelp() []key.Binding {
	if p.searching {
		p.keys.Confirm.SetHelp("Enter", "选定")
		return []key.Binding{p.keys.Move, p.keys.Confirm, p.keys.NewPerson, p.keys.NewOrg}
	}
	return []key.Binding{p.keys.Field, p.keys.Toggle, p.keys.Search}
}
