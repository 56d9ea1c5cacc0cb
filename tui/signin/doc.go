// Package signin is the first screen: the device's officers to pick from
// (filtered by id, name or pinyin as one types), the passphrase, and the
// forms that register an officer or set a passphrase, vouched for by a
// colleague already trusted on the device. A successful sign-in is a
// screen.SignedIn message; the root takes it from there.
package signin
