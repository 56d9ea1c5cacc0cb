package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"fieldcase/cases"
)

// The district's party index travels keyed by cases.BlindPartyKey under
// the district key HQ gives enrolled devices, never by an ID number. The
// device keeps it under ⟨hq party⟩ = its own blind key of that wire key
// (domain "party-hq"), so it finds a party's entry offline from the party
// key it is recording, and stores it without ever learning whose it is.
// Before the device has a district key (an HQ from before, or no HQ), the
// entries are keyed as the party buckets are (⟨party⟩ of the plain key).

// districtKey is the stored district key, nil before HQ sent one.
func (s *Store) districtKey(tx *bolt.Tx) ([]byte, error) {
	return s.getRaw(tx, bMeta, kDistrictKey)
}

// hqPartyKey is the party_index key of a party key, as the device records it.
func (s *Store) hqPartyKey(tx *bolt.Tx, partyKey string) ([]byte, error) {
	dk, err := s.districtKey(tx)
	if err != nil || dk == nil {
		if err != nil {
			return nil, err
		}
		return s.partyKey(partyKey)
	}
	return s.wireKeyIn(cases.BlindPartyKey(dk, partyKey))
}

// wireKeyIn is the party_index key of an entry's key as HQ sent it.
func (s *Store) wireKeyIn(wire string) ([]byte, error) {
	k, err := s.ring()
	if err != nil || k == nil {
		return []byte(wire), err
	}
	return k.blind("party-hq", wire), nil
}

// SetDistrictKey keeps the district key HQ sent. A new or changed key
// makes the index keyed under the old one useless: it is dropped and the
// pull starts over, so the whole index comes again under the new key. It
// says whether anything changed.
func (s *Store) SetDistrictKey(key []byte) (bool, error) {
	changed := false
	err := s.update(func(tx *bolt.Tx) error {
		old, err := s.districtKey(tx)
		if err != nil {
			return err
		}
		if bytes.Equal(old, key) {
			return nil
		}
		changed = true
		if err := s.putRaw(tx, bMeta, kDistrictKey, key); err != nil {
			return err
		}
		if err := root(tx).DeleteBucket(bPartyIndex); err != nil {
			return err
		}
		if _, err := root(tx).CreateBucket(bPartyIndex); err != nil {
			return err
		}
		return meta(tx).Put(kPullCursor, u64(0))
	})
	return changed, err
}

// appendPriorsJSON appends priors as json.Marshal writes them, for the
// tens of thousands a pull installs; false when a text needs escaping or
// a time is out of range, and then the caller marshals them instead.
func appendPriorsJSON(dst []byte, priors []cases.PriorCase) ([]byte, bool) {
	if priors == nil {
		return dst, false
	}
	ok := true
	text := func(s string) {
		dst = append(dst, '"')
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				ok = false
				return
			}
		}
		dst = append(append(dst, s...), '"')
	}
	dst = append(dst, '[')
	for i, p := range priors {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		if p.CaseID != "" {
			dst = append(dst, `"case_id":`...)
			text(p.CaseID)
			dst = append(dst, ',')
		}
		dst = append(dst, `"violation":`...)
		text(p.Violation)
		dst = append(dst, `,"occurred_at":"`...)
		var err error
		if dst, err = p.OccurredAt.AppendText(dst); err != nil {
			return dst, false
		}
		dst = append(dst, `","source":`...)
		text(p.Source)
		dst = append(dst, '}')
	}
	return append(dst, ']'), ok
}
