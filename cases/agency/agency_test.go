package agency

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultIsValidAndNamesNanAn(t *testing.T) {
	s := Default()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Body.Name != "重庆市南岸区城市管理局" || s.ReviewBody != "重庆市南岸区人民政府" {
		t.Errorf("defaults: %+v", s)
	}
	if got := s.Numbering[KindOnsite].Number(2026, 120); got != "南城管当罚字〔2026〕第000120号" {
		t.Errorf("onsite number %q", got)
	}
}

func TestLoadMissingFileGivesDefaults(t *testing.T) {
	s, err := Load(t.TempDir())
	if err != nil || s.Body.Name != Default().Body.Name {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestSaveAndLoadAStreetOffice(t *testing.T) {
	dir := t.TempDir()
	s := Default()
	s.Body = Body{Name: "重庆市南岸区南坪街道办事处", Phone: "023-62800000"}
	s.Court = "重庆市南岸区人民法院"
	if err := Save(dir, s); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil || got.Body != s.Body || got.Court != s.Court {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestInvalidSettingsAreRefusedWithEveryProblem(t *testing.T) {
	dir := t.TempDir()
	bad := `{"body":{"name":""},"review_body":"重庆市南岸区城市管理局","court":"南岸区政府",
	 "numbering":{"onsite":{"format":"当罚{year}"},"decision":{"format":"{year}{seq}","width":8},"ticket":{"format":"{seq}"}},
	 "statement_days":0,"text_width":20,"disclosure":{"id_number":"partial","age_of_majority":18}}`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil {
		t.Fatal("invalid settings accepted")
	}
	for _, want := range []string{"body.name", "court", "numbering.onsite.format 必须含 {seq}", "numbering.decision.format 会产生", "\"ticket\"", "statement_days", "text_width", "disclosure.id_number"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %q:\n%v", want, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(`{"bogus":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown field: %v", err)
	}
}

func TestReviewBodyIsNotTheBodyItself(t *testing.T) {
	s := Default()
	s.ReviewBody = s.Body.Name
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "第二十四条") {
		t.Errorf("got %v", err)
	}
}
