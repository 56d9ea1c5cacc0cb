package hq

import (
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"fmt"

	"fieldcase/sync/proto"
)

// AdvanceBlob is the part of an evidence upload both stores share: it checks
// that data continues the file where HQ stands, carries the running SHA-256
// forward, and, when the last byte arrives, checks the whole file's hash.
// The store writes the chunk and the returned record in one transaction.
// On ErrBlobHash the store must discard what it has of the file.
func AdvanceBlob(b Blob, sha string, size, offset int64, data []byte) (Blob, error) {
	if !proto.IsSHA256(sha) {
		return b, fmt.Errorf("证据哈希 %q 格式不对", sha)
	}
	if size <= 0 || size > proto.MaxBlobBytes {
		return b, fmt.Errorf("证据文件大小 %d 超出允许范围（最大 %d 字节）", size, int64(proto.MaxBlobBytes))
	}
	if b.SHA == "" {
		b = Blob{SHA: sha, Size: size}
	}
	if b.Size != size {
		return b, ErrBlobSize
	}
	if b.Complete {
		if offset == b.Size && len(data) == 0 {
			return b, nil
		}
		return b, ErrOffset
	}
	if offset != b.Received || offset+int64(len(data)) > b.Size {
		return b, ErrOffset
	}
	h := sha256.New()
	if len(b.State) > 0 {
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(b.State); err != nil {
			return b, fmt.Errorf("证据上传状态损坏：%w", err)
		}
	}
	h.Write(data)
	b.Received += int64(len(data))
	if b.Received == b.Size {
		if hex.EncodeToString(h.Sum(nil)) != sha {
			return Blob{}, ErrBlobHash
		}
		b.Complete, b.State = true, nil
		return b, nil
	}
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return b, err
	}
	b.State = state
	return b, nil
}
