package present

import (
	"errors"
	"strconv"
	"time"

	"fieldcase/cases/store"
	"fieldcase/tui/screen"
)

// PassLimit bounds a typed passphrase.
const PassLimit = 128

// PassProblem says in Chinese why a passphrase was refused: attempts left,
// or until when the user is locked out (China time, the date when it is
// not today).
func PassProblem(err error, now time.Time) string {
	var wrong *store.WrongPassphraseError
	var locked *store.LockedOutError
	switch {
	case errors.As(err, &locked):
		until := locked.Until.In(screen.Local)
		f := "15:04:05"
		if store.DayOf(until) != store.DayOf(now) {
			f = "01月02日 15:04:05"
		}
		return "口令错误次数过多，已暂时锁定，请于 " + until.Format(f) + " 后再试"
	case errors.As(err, &wrong) && wrong.Left > 0:
		return "口令不正确（还可尝试 " + strconv.Itoa(wrong.Left) + " 次）"
	case errors.As(err, &wrong), errors.Is(err, store.ErrBadPassphrase):
		return "口令不正确"
	case errors.Is(err, store.ErrNoPassphrase):
		return "该人员还没有设置口令"
	}
	return "无法核对口令：" + FirstLine(err.Error())
}
