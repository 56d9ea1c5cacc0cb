package store

// Vault hygiene. An import killed halfway leaves a temporary .import-*
// file; an import whose case was never saved (the officer cancelled, the
// program was killed before the commit) leaves a sealed file no case
// names. Both are removed at sign-in once they are older than
// VaultGrace, at most once a day. A file is kept while any event of any
// case log (the superseded copies included) or any user's wizard draft
// names its SHA-256: evidence once recorded is part of the record even if
// a later edit of the case dropped it.

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// VaultGrace is how old an unreferenced vault file must be before it is
// removed: an import in progress, or one whose case the officer is still
// filling in, is younger.
var VaultGrace = 24 * time.Hour

// VaultSweep says what a sweep removed.
type VaultSweep struct {
	Unreferenced int   // sealed files no case or draft names
	Temporary    int   // .import-* files left by interrupted imports
	Bytes        int64 // freed
}

// hex64 finds SHA-256s written anywhere in a draft's opaque state.
var hex64 = regexp.MustCompile(`(?i)[0-9a-f]{64}`)

// evidenceRef is what the case logs say of one evidence file.
type evidenceRef struct {
	cases []string // the cases naming it
	own   bool     // named by an event this device recorded
	paths []string // where it was recorded from
}

// evidenceRefs collects the SHA-256s (lower case) that the case logs name,
// and those the drafts name.
func (s *Store) evidenceRefs(tx *bolt.Tx) (logs map[string]*evidenceRef, drafts map[string]bool, err error) {
	logs, drafts = map[string]*evidenceRef{}, map[string]bool{}
	add := func(e cases.Event) {
		var v any
		if json.Unmarshal(e.Payload, &v) != nil {
			return
		}
		for _, f := range evidenceFields(v, nil) {
			sha := strings.ToLower(f.sha)
			r := logs[sha]
			if r == nil {
				r = &evidenceRef{}
				logs[sha] = r
			}
			if !contains(r.cases, e.CaseID) {
				r.cases = append(r.cases, e.CaseID)
			}
			if f.path != "" && !contains(r.paths, f.path) {
				r.paths = append(r.paths, f.path)
			}
			r.own = r.own || e.Device == s.device
		}
	}
	for _, name := range [][]byte{bEvents, bSuperseded} {
		err := bucket(tx, name).ForEach(func(k, v []byte) error {
			data, err := s.openValue(name, k, v)
			if err != nil {
				return nil // Verify reports the broken value; it names no evidence we can read
			}
			var e cases.Event
			if json.Unmarshal(data, &e) == nil {
				add(e)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	err = bucket(tx, bDrafts).ForEach(func(k, v []byte) error {
		data, err := s.openValue(bDrafts, k, v)
		if err != nil {
			return nil
		}
		for _, m := range hex64.FindAll(data, -1) {
			drafts[strings.ToLower(string(m))] = true
		}
		return nil
	})
	return logs, drafts, err
}

type evidenceField struct{ sha, path string }

// evidenceFields collects every object with a "sha256" field in decoded
// JSON (an evidence item, wherever the payload puts it), with its path.
func evidenceFields(v any, out []evidenceField) []evidenceField {
	switch x := v.(type) {
	case map[string]any:
		if sha, ok := x["sha256"].(string); ok {
			path, _ := x["path"].(string)
			out = append(out, evidenceField{sha, path})
		}
		for _, val := range x {
			out = evidenceFields(val, out)
		}
	case []any:
		for _, val := range x {
			out = evidenceFields(val, out)
		}
	}
	return out
}

// SweepVault removes from the vault the temporary import files and the
// sealed files no case log or draft names, when older than VaultGrace.
// Unlock runs it once a day (meta/vault_swept).
func (s *Store) SweepVault() (VaultSweep, error) {
	var sw VaultSweep
	keys, _, err := s.evidenceKeys()
	if err != nil {
		return sw, err
	}
	defer keys.wipe()
	keep := map[string]bool{}
	err = s.view(func(tx *bolt.Tx) error {
		logs, drafts, err := s.evidenceRefs(tx)
		for sha := range logs {
			keep[keys.evidenceName(sha)] = true
		}
		for sha := range drafts {
			keep[keys.evidenceName(sha)] = true
		}
		return err
	})
	if err != nil {
		return sw, err
	}
	entries, err := os.ReadDir(s.evidenceDir())
	if errors.Is(err, os.ErrNotExist) {
		return sw, nil
	}
	if err != nil {
		return sw, err
	}
	cutoff := s.now().Add(-VaultGrace)
	for _, de := range entries {
		name := de.Name()
		temp := strings.HasPrefix(name, importTempPrefix)
		if !temp && (len(name) != 64 || !isHex(name) || keep[name]) {
			continue // a referenced file, or not one of the vault's
		}
		info, err := de.Info()
		if err != nil || !info.Mode().IsRegular() || !info.ModTime().Before(cutoff) {
			continue
		}
		if os.Remove(filepath.Join(s.evidenceDir(), name)) != nil {
			continue
		}
		sw.Bytes += info.Size()
		if temp {
			sw.Temporary++
		} else {
			sw.Unreferenced++
		}
	}
	if sw.Temporary+sw.Unreferenced > 0 {
		syncDir(s.evidenceDir())
	}
	return sw, nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// sweepDaily runs SweepVault after sign-in when the last sweep is a day
// old, and notes the time. A failure is left for the next day: the vault
// only holds more than it needs.
func (s *Store) sweepDaily() {
	var last time.Time
	s.view(func(tx *bolt.Tx) error {
		last, _ = time.Parse(time.RFC3339, string(meta(tx).Get(kVaultSwept)))
		return nil
	})
	now := s.now()
	if !last.IsZero() && now.Sub(last) < 24*time.Hour && !now.Before(last) {
		return
	}
	if _, err := s.SweepVault(); err != nil {
		return
	}
	s.update(func(tx *bolt.Tx) error {
		return meta(tx).Put(kVaultSwept, []byte(now.UTC().Format(time.RFC3339)))
	})
}

// verifyVault checks that every evidence file this device recorded is in
// the vault and opens whole (the sealed chunks and the trailer bind it to
// the SHA-256 the case recorded, so a changed byte shows), or, for
// evidence recorded before the vault, is still at its path with that
// SHA-256. Other devices' evidence is at HQ, not here.
func (s *Store) verifyVault() ([]Problem, error) {
	var logs map[string]*evidenceRef
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		logs, _, err = s.evidenceRefs(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	shas := make([]string, 0, len(logs))
	for sha, r := range logs {
		if r.own {
			shas = append(shas, sha)
		}
	}
	sort.Strings(shas)
	var problems []Problem
	for _, sha := range shas {
		detail := ""
		f, err := s.OpenEvidence(sha)
		switch {
		case errors.Is(err, cases.ErrNotFound):
			detail = s.checkAtPath(sha, logs[sha].paths)
		case errors.Is(err, ErrEvidenceCorrupt):
			detail = fmt.Sprintf("证据文件 %.12s… 已损坏或被改动", sha)
		case err != nil:
			return nil, err
		default:
			_, err := io.Copy(io.Discard, f)
			f.Close()
			if errors.Is(err, ErrEvidenceCorrupt) {
				detail = fmt.Sprintf("证据文件 %.12s… 已损坏或被改动", sha)
			} else if err != nil {
				return nil, err
			}
		}
		if detail != "" {
			for _, id := range logs[sha].cases {
				problems = append(problems, Problem{CaseID: id, Detail: detail})
			}
		}
	}
	return problems, nil
}

// checkAtPath looks for evidence recorded before the vault at the paths it
// was recorded from: "" when one still holds it unchanged.
func (s *Store) checkAtPath(sha string, paths []string) string {
	altered := false
	for _, p := range paths {
		got, _, err := cases.HashFile(p, nil)
		if err != nil {
			continue
		}
		if strings.EqualFold(got, sha) {
			return ""
		}
		altered = true
	}
	if altered {
		return fmt.Sprintf("证据文件 %.12s… 不在证据库中，原路径上的文件已被改动", sha)
	}
	return fmt.Sprintf("证据文件 %.12s… 不在证据库中：被删除", sha)
}
