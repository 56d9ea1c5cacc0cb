package screen

import (
	"log/slog"
	"regexp"
)

// Logged records a failure in the log file (the data directory's
// fieldcase.log: the TUI never prints while it runs) and passes it on.
//
// The log file is not encrypted, so what goes in is scrubbed of anything a
// message may quote from a record: quoted values (a phone number a
// validator refused) and long digit runs (ID numbers, credit codes).
func Logged(what string, err error) error {
	if err != nil {
		slog.Error("tui: "+what, "err", scrubForLog(err.Error()))
	}
	return err
}

var (
	logQuoted = regexp.MustCompile(`"[^"]*"|“[^”]*”|「[^」]*」`)
	logDigits = regexp.MustCompile(`[0-9A-Za-z]*[0-9]{6,}[0-9A-Za-z]*`)
)

func scrubForLog(s string) string {
	s = logQuoted.ReplaceAllString(s, `"…"`)
	return logDigits.ReplaceAllString(s, "…")
}
