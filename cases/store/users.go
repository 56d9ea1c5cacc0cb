package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// ErrUserExists is returned when a user id is taken on this device.
var ErrUserExists = fmt.Errorf("该执法人员编号已在本设备登记")

// userRecord is a user as the users bucket keeps it: the user and, once a
// passphrase is set, what opens the data key with it.
type userRecord struct {
	cases.User
	Auth *authRecord `json:"auth,omitempty"`
}

// authRecord is one user's wrap of the data key. The failure count sits in
// the clear beside it: it limits guessing through the program; someone
// with the file itself faces argon2id's cost per guess instead.
type authRecord struct {
	Salt        []byte     `json:"salt"`
	KDF         KDFParams  `json:"kdf"`
	Wrap        []byte     `json:"wrap"`
	Failures    int        `json:"failures,omitempty"`
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	// Tag binds the user's id, name, certificate and role to the data key
	// (userTag): the record sits in the clear, the tag makes edits show.
	Tag []byte `json:"tag"`
}

// knownUser is readUser for a user who must exist.
func knownUser(tx *bolt.Tx, id string) (userRecord, error) {
	r, found, err := readUser(tx, id)
	if err == nil && !found {
		err = fmt.Errorf("执法人员 %s %w", id, cases.ErrNotFound)
	}
	return r, err
}

func readUser(tx *bolt.Tx, id string) (userRecord, bool, error) {
	var r userRecord
	found, err := getClearJSON(bucket(tx, bUsers), []byte(id), &r)
	if err != nil {
		err = fmt.Errorf("用户 %s 的记录已损坏：%w", id, err)
	}
	return r, found, err
}

// Users lists the device's users by id. It needs no sign-in: the sign-in
// screen lists them.
func (s *Store) Users() ([]cases.User, error) {
	var out []cases.User
	err := s.view(func(tx *bolt.Tx) error {
		return bucket(tx, bUsers).ForEach(func(k, v []byte) error {
			var u userRecord
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("用户 %s 的记录已损坏：%w", k, err)
			}
			out = append(out, u.User)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

// User returns one user.
func (s *Store) User(id string) (cases.User, error) {
	var r userRecord
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		r, err = knownUser(tx, id)
		return err
	})
	return r.User, err
}

// Draft is where an officer's unfinished case stands in the TUI wizard.
type Draft struct {
	CaseID string          `json:"case_id"`
	Step   string          `json:"step"`
	State  json.RawMessage `json:"state,omitempty"` // the screen's own unsaved inputs
}

// SaveDraft remembers the user's position in the wizard.
func (s *Store) SaveDraft(userID string, d Draft) error {
	return s.update(func(tx *bolt.Tx) error { return s.putJSON(tx, bDrafts, []byte(userID), d) })
}

// Draft returns the user's saved wizard position, if any.
func (s *Store) Draft(userID string) (*Draft, error) {
	var d Draft
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		found, err = s.getJSON(tx, bDrafts, []byte(userID), &d)
		return err
	})
	if err != nil || !found {
		return nil, err
	}
	return &d, nil
}

// ClearDraft forgets the user's wizard position (a discarded case, or one
// gone from the store). Submit forgets it by itself.
func (s *Store) ClearDraft(userID string) error {
	return s.update(func(tx *bolt.Tx) error { return bucket(tx, bDrafts).Delete([]byte(userID)) })
}

// forgetDraftOn forgets the user's wizard position if it is on caseID; a
// position on another case is left alone.
func (s *Store) forgetDraftOn(tx *bolt.Tx, userID, caseID string) error {
	var d Draft
	found, err := s.getJSON(tx, bDrafts, []byte(userID), &d)
	if err != nil || !found || d.CaseID != caseID {
		return err
	}
	return bucket(tx, bDrafts).Delete([]byte(userID))
}
