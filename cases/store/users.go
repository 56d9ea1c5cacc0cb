package store

import (
	"encoding/json"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// ErrUserExists is returned when a user id is taken on this device.
var ErrUserExists = fmt.Errorf("该执法人员编号已在本设备登记")

// AddUser registers a user on the device.
func (s *Store) AddUser(u cases.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = s.now()
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := bucket(tx, bUsers)
		if b.Get([]byte(u.ID)) != nil {
			return fmt.Errorf("%s：%w", u.ID, ErrUserExists)
		}
		return putJSON(b, []byte(u.ID), u)
	})
}

// Users lists the device's users by id.
func (s *Store) Users() ([]cases.User, error) {
	var out []cases.User
	err := s.db.View(func(tx *bolt.Tx) error {
		return bucket(tx, bUsers).ForEach(func(k, v []byte) error {
			var u cases.User
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("用户 %s 的记录已损坏：%w", k, err)
			}
			out = append(out, u)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

// User returns one user.
func (s *Store) User(id string) (cases.User, error) {
	var u cases.User
	err := s.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(bucket(tx, bUsers), []byte(id), &u)
		if err == nil && !found {
			err = fmt.Errorf("执法人员 %s %w", id, cases.ErrNotFound)
		}
		return err
	})
	return u, err
}

// Draft is where an officer's unfinished case stands in the TUI wizard.
type Draft struct {
	CaseID string          `json:"case_id"`
	Step   string          `json:"step"`
	State  json.RawMessage `json:"state,omitempty"` // the screen's own unsaved inputs
}

// SaveDraft remembers the user's position in the wizard.
func (s *Store) SaveDraft(userID string, d Draft) error {
	return s.db.Update(func(tx *bolt.Tx) error { return putJSON(bucket(tx, bDrafts), []byte(userID), d) })
}

// Draft returns the user's saved wizard position, if any.
func (s *Store) Draft(userID string) (*Draft, error) {
	var d Draft
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(bucket(tx, bDrafts), []byte(userID), &d)
		return err
	})
	if err != nil || !found {
		return nil, err
	}
	return &d, nil
}

// ClearDraft forgets the user's wizard position (after submit or discard).
func (s *Store) ClearDraft(userID string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return bucket(tx, bDrafts).Delete([]byte(userID)) })
}
