//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// dropFilePages is done on Linux only (see resident_linux.go).
func dropFilePages(*bolt.Tx) {}
