package hq

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"fieldcase/sync/proto"
)

// Backuper is a store that writes a consistent copy of itself while HQ
// serves (hqbolt: one read transaction's tx.WriteTo, HQ's signing key
// included, since it is in the store). open is called once with the
// copy's size, before any byte is written.
type Backuper interface {
	Backup(ctx context.Context, open func(size int64) (io.Writer, error)) (int64, error)
}

// PathAdminBackup streams the store's copy to the admin.
const PathAdminBackup = "/v1/admin/backup"

func errNoBackup() error {
	return apiErr(http.StatusBadRequest, proto.CodeBadRequest, "这个 HQ 的数据在 PostgreSQL 中，请用 pg_dump 备份（见 README）")
}

// Backup implements Admin.
func (h *HQ) Backup(ctx context.Context, w io.Writer) (int64, error) {
	b, ok := h.store.(Backuper)
	if !ok {
		return 0, errNoBackup()
	}
	return b.Backup(ctx, func(int64) (io.Writer, error) { return w, nil })
}

// Backup implements Admin: the running HQ streams the copy; a copy cut
// short (HQ stopped halfway) is an error, not a smaller file.
func (a *RemoteAdmin) Backup(ctx context.Context, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+PathAdminBackup, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	resp, err := a.HTTP.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%w（%v）", ErrNoRunningHQ, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if e, ok := proto.DecodeErrorResponse(data); ok {
			return 0, &APIError{Status: resp.StatusCode, Code: e.Code, Msg: e.Error}
		}
		return 0, fmt.Errorf("HQ 管理接口返回 %s", resp.Status)
	}
	n, err := io.Copy(w, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("备份不完整：收到 %d 字节，应为 %d 字节", n, resp.ContentLength)
	}
	return n, err
}

func (s *Server) adminBackup(w http.ResponseWriter, r *http.Request) {
	b, ok := s.hq.Store().(Backuper)
	if !ok {
		s.fail(w, r, errNoBackup())
		return
	}
	started := false
	_, err := b.Backup(r.Context(), func(size int64) (io.Writer, error) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
		started = true
		return w, nil
	})
	if err != nil {
		if !started {
			s.fail(w, r, err)
			return
		}
		// The header is gone: the short body tells the client.
		s.log.Error("backup failed", "err", err)
	}
}
