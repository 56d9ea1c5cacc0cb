package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// HashFile reads a file once and returns its SHA-256 and size. progress,
// when not nil, is called as the bytes go by (for large videos).
func HashFile(path string, progress func(done, total int64)) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("无法打开证据文件 %s：%w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", 0, fmt.Errorf("无法读取证据文件 %s：%w", path, err)
	}
	if info.IsDir() {
		return "", 0, fmt.Errorf("%s 是文件夹，不是文件", path)
	}
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var done int64
	for {
		n, err := f.Read(buf)
		if n > 0 {
			h.Write(buf[:n])
			done += int64(n)
			if progress != nil {
				progress(done, info.Size())
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", 0, fmt.Errorf("读取证据文件 %s 失败：%w", path, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), done, nil
}
