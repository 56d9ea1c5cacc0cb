package hq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"fieldcase/cases"
	"fieldcase/cases/workday"
	"fieldcase/sync/proto"
)

// Admin is what the `fieldcase hq` admin commands need. HQ itself is one
// (the commands open the store directly); RemoteAdmin is the other, used
// when a running bbolt HQ holds the store's file lock.
type Admin interface {
	IssueCode(ctx context.Context, device string, ttl time.Duration) (Code, error)
	Revoke(ctx context.Context, device string) (Device, error)
	// Release lifts a device's quarantine.
	Release(ctx context.Context, device string) (Device, error)
	Devices(ctx context.Context) ([]Device, error)
	// Losses lists the loss declarations of every device or of one (by
	// name or id), oldest first (loss.go).
	Losses(ctx context.Context, device string) ([]LossRecord, error)
	Cases(ctx context.Context) ([]CaseSummary, error)
	PublishRules(ctx context.Context, data []byte) (string, error)
	// PublishHolidays publishes a year's holiday schedule (holidays.go).
	PublishHolidays(ctx context.Context, data []byte) (workday.Schedule, error)
	RotateEpoch(ctx context.Context) (string, error)
	Policy(ctx context.Context) (cases.ReviewPolicy, error)
	SetPolicy(ctx context.Context, p cases.ReviewPolicy) error
	// Schema is where the store's schema stands (fieldcase hq migrate status
	// while a bbolt HQ runs).
	Schema(ctx context.Context) (Schema, error)
	// Backup writes a consistent copy of a bbolt HQ's store, HQ's signing
	// key included (backup.go); a PostgreSQL HQ is backed up with pg_dump.
	Backup(ctx context.Context, w io.Writer) (int64, error)
}

var _ Admin = (*HQ)(nil)

// AdminFileName is the file a running bbolt HQ writes into its data
// directory (mode 0600) so that admin commands can reach it.
const AdminFileName = "hq-admin.json"

// AdminFile says where a running HQ's admin API listens and its token.
type AdminFile struct {
	URL   string `json:"url"`
	Token string `json:"token"`
	PID   int    `json:"pid"`
}

// WriteAdminFile writes the admin file atomically.
func WriteAdminFile(dir string, f AdminFile) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, AdminFileName+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, AdminFileName))
}

// RemoveAdminFile removes the admin file if it is still the one written with token.
func RemoveAdminFile(dir, token string) {
	path := filepath.Join(dir, AdminFileName)
	if f, err := readAdminFile(path); err == nil && f.Token == token {
		os.Remove(path)
	}
}

func readAdminFile(path string) (AdminFile, error) {
	var f AdminFile
	data, err := os.ReadFile(path)
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("%s 已损坏：%w", path, err)
	}
	return f, nil
}

// ErrNoRunningHQ means the store is locked but no running HQ answers for it.
var ErrNoRunningHQ = errors.New("HQ 数据目录正被占用，但找不到正在运行的 HQ 服务的管理接口")

// DialAdmin returns the admin API of the HQ running on dir.
func DialAdmin(dir string) (*RemoteAdmin, error) {
	f, err := readAdminFile(filepath.Join(dir, AdminFileName))
	if err != nil {
		return nil, ErrNoRunningHQ
	}
	return &RemoteAdmin{URL: f.URL, Token: f.Token, HTTP: &http.Client{Timeout: 30 * time.Second}}, nil
}

// RemoteAdmin talks to a running HQ's admin API over loopback.
type RemoteAdmin struct {
	URL   string
	Token string
	HTTP  *http.Client
}

var _ Admin = (*RemoteAdmin)(nil)

func (a *RemoteAdmin) call(ctx context.Context, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, a.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	resp, err := a.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%w（%v）", ErrNoRunningHQ, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		if e, ok := proto.DecodeErrorResponse(data); ok {
			return &APIError{Status: resp.StatusCode, Code: e.Code, Msg: e.Error}
		}
		return fmt.Errorf("HQ 管理接口返回 %s", resp.Status)
	}
	if ds, ok := out.(*[]Device); ok {
		var err error
		*ds, err = DecodeDevices(data)
		return err
	}
	return json.Unmarshal(data, out)
}

// DecodeDevices reads the admin API's device list and cleans every text
// `fieldcase hq devices` prints: names, hosts and reports partly come from
// the devices themselves.
func DecodeDevices(data []byte) ([]Device, error) {
	var ds []Device
	if err := proto.DecodeBytes(data, &ds); err != nil {
		return nil, err
	}
	for i := range ds {
		d := &ds[i]
		d.Name, d.Host, d.Alert = cases.CleanLine(d.Name), cases.CleanLine(d.Host), cases.CleanLine(d.Alert)
		for j := range d.Users {
			d.Users[j] = cases.CleanLine(d.Users[j])
		}
		if d.Quarantine != nil {
			q := cleanQuarantine(*d.Quarantine)
			d.Quarantine = &q
		}
		for j := range d.Released {
			d.Released[j] = cleanQuarantine(d.Released[j])
		}
	}
	return ds, nil
}

func mustJSON(v any) []byte {
	data, _ := json.Marshal(v)
	return data
}

// IssueCode implements Admin.
func (a *RemoteAdmin) IssueCode(ctx context.Context, device string, ttl time.Duration) (Code, error) {
	var out Code
	err := a.call(ctx, http.MethodPost, PathAdminEnroll, mustJSON(AdminEnrollRequest{Device: device, TTL: ttl}), &out)
	return out, err
}

// Revoke implements Admin.
func (a *RemoteAdmin) Revoke(ctx context.Context, device string) (Device, error) {
	var out Device
	err := a.call(ctx, http.MethodPost, PathAdminRevoke, mustJSON(AdminRevokeRequest{Device: device}), &out)
	return out, err
}

// Release implements Admin.
func (a *RemoteAdmin) Release(ctx context.Context, device string) (Device, error) {
	var out Device
	err := a.call(ctx, http.MethodPost, PathAdminRelease, mustJSON(AdminRevokeRequest{Device: device}), &out)
	return out, err
}

// Devices implements Admin.
func (a *RemoteAdmin) Devices(ctx context.Context) ([]Device, error) {
	var out []Device
	err := a.call(ctx, http.MethodGet, PathAdminDevices, nil, &out)
	return out, err
}

// Cases implements Admin.
func (a *RemoteAdmin) Cases(ctx context.Context) ([]CaseSummary, error) {
	var out []CaseSummary
	err := a.call(ctx, http.MethodGet, PathAdminCases, nil, &out)
	return out, err
}

// PublishRules implements Admin.
func (a *RemoteAdmin) PublishRules(ctx context.Context, data []byte) (string, error) {
	var out map[string]string
	err := a.call(ctx, http.MethodPost, PathAdminRules, data, &out)
	return out["version"], err
}

// PublishHolidays implements Admin.
func (a *RemoteAdmin) PublishHolidays(ctx context.Context, data []byte) (workday.Schedule, error) {
	var out workday.Schedule
	err := a.call(ctx, http.MethodPost, PathAdminHolidays, data, &out)
	return out, err
}

// RotateEpoch implements Admin.
func (a *RemoteAdmin) RotateEpoch(ctx context.Context) (string, error) {
	var out map[string]string
	err := a.call(ctx, http.MethodPost, PathAdminEpoch, nil, &out)
	return out["epoch"], err
}

// Policy implements Admin.
func (a *RemoteAdmin) Policy(ctx context.Context) (cases.ReviewPolicy, error) {
	var out cases.ReviewPolicy
	err := a.call(ctx, http.MethodGet, PathAdminPolicy, nil, &out)
	return out, err
}

// SetPolicy implements Admin.
func (a *RemoteAdmin) SetPolicy(ctx context.Context, p cases.ReviewPolicy) error {
	var out cases.ReviewPolicy
	return a.call(ctx, http.MethodPost, PathAdminPolicy, mustJSON(p), &out)
}
