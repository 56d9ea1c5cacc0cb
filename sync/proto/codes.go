package proto

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
)

// One-time enrolment codes: 16 characters from a 32-letter alphabet without
// look-alikes (80 bits), shown as XXXX-XXXX-XXXX-XXXX. When HQ serves TLS,
// 16 more characters follow: the first 80 bits of the SHA-256 of HQ's CA
// certificate, so that the device can pin the CA without trusting the first
// connection blindly.
const codeSecretLen = 16

// NormalizeCode uppercases a code and drops separators.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == '-' || r == ' ' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SplitCode returns the secret and the CA pin ("" when absent) of a code.
func SplitCode(code string) (secret, pin string, err error) {
	c := NormalizeCode(code)
	for _, r := range c {
		if !strings.ContainsRune(codeChars, r) {
			return "", "", errors.New("注册码含有无效字符（注册码由字母和数字 2–9 组成）")
		}
	}
	switch len(c) {
	case codeSecretLen:
		return c, "", nil
	case 2 * codeSecretLen:
		return c[:codeSecretLen], c[codeSecretLen:], nil
	}
	return "", "", errors.New("注册码长度不对（应为 16 位，HQ 使用 TLS 时为 32 位）")
}

// FormatCode groups a code by four characters.
func FormatCode(c string) string {
	var parts []string
	for len(c) > 4 {
		parts = append(parts, c[:4])
		c = c[4:]
	}
	return strings.Join(append(parts, c), "-")
}

// encodeBase32 writes the first n characters of data in the code alphabet.
func encodeBase32(data []byte, n int) string {
	var b strings.Builder
	var acc uint64
	bits := 0
	for _, x := range data {
		acc = acc<<8 | uint64(x)
		bits += 8
		for bits >= 5 && b.Len() < n {
			bits -= 5
			b.WriteByte(codeChars[(acc>>uint(bits))&31])
		}
	}
	return b.String()
}

// NewCodeSecret makes the secret part of a one-time enrolment code (HQ
// issues it; the device sends it back in EnrollRequest.Code).
func NewCodeSecret() (string, error) {
	var raw [10]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	return encodeBase32(raw[:], codeSecretLen), nil
}

// PinOf is the pin of a CA certificate as enrolment codes carry it.
func PinOf(caDER []byte) string {
	sum := sha256.Sum256(caDER)
	return encodeBase32(sum[:10], codeSecretLen)
}
