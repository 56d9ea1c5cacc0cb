package device

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"fieldcase/cases/store"
	"fieldcase/sync/proto"
)

// FetchEvidence downloads one evidence file from HQ (GET /v1/blobs/{sha})
// into the vault, sealed as it streams in and kept only if it hashes to
// sha. progress, if set, is told the bytes received and the size HQ
// announced. A file already in the vault is not fetched again. It runs
// beside the background rounds: it holds none of their locks.
func (c *Client) FetchEvidence(ctx context.Context, sha string, progress func(done, total int64)) error {
	sha = strings.ToLower(sha)
	if !proto.IsSHA256(sha) {
		return fmt.Errorf("证据哈希 %q 无效", sha)
	}
	if c.st.HasEvidence(sha) {
		return nil
	}
	enr, err := c.st.Enrolment()
	if err != nil {
		return err
	}
	if enr == nil || enr.Name == "" {
		return ErrNotEnrolled
	}
	k, err := c.connect(*enr)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.base+proto.PathBlobs+sha, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", k.auth)
	resp, err := k.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("无法连接 HQ：%w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		he := &HTTPError{Status: resp.StatusCode}
		if data, _ := io.ReadAll(io.LimitReader(resp.Body, proto.MaxSmallBody)); len(data) > 0 {
			if e, ok := proto.DecodeErrorResponse(data); ok {
				he.Code, he.Msg = e.Code, e.Error
			}
		}
		if resp.StatusCode == http.StatusNotFound && he.Msg == "" {
			he.Msg = "HQ 没有该证据文件（办案设备可能尚未上传）"
		}
		return he
	}
	if resp.ContentLength > proto.MaxBlobBytes {
		return fmt.Errorf("HQ 的证据文件超过 %d 字节的上限", int64(proto.MaxBlobBytes))
	}
	body := io.LimitReader(resp.Body, proto.MaxBlobBytes+1)
	err = c.st.ImportEvidenceStream(body, resp.ContentLength, sha, progress)
	if errors.Is(err, store.ErrEvidenceMismatch) {
		return fmt.Errorf("从 HQ 取回证据：%w", err)
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
