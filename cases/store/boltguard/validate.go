package boltguard

import (
	"encoding/binary"
	"fmt"
	"io"
)

// bbolt page flags and the leaf flag of a sub-bucket.
const (
	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagFreelist = 0x10
	leafIsBucket = 0x01
	noFreelist   = ^uint64(0)
	maxDepth     = 64
)

// validator walks a bbolt file's tree from a meta page with plain reads,
// checking every offset bbolt would use: page ids inside the file, each
// page naming itself, element offsets and sizes inside their page.
type validator struct {
	f    io.ReaderAt
	data []byte // the file mapped read-only, or nil: then f is read
	m    meta
	seen []uint64 // a bit per page id
	head [16]byte
}

func (v *validator) check() error {
	v.seen = make([]uint64, v.m.pgid/64+1)
	if v.m.freelist != noFreelist {
		if err := v.checkFreelist(v.m.freelist); err != nil {
			return err
		}
	}
	return v.tree(v.m.root, 0)
}

// page reads page id with its overflow pages.
func (v *validator) page(id uint64) ([]byte, error) {
	ps := uint64(v.m.pageSize)
	if id < 2 || id >= v.m.pgid {
		return nil, fmt.Errorf("引用了文件范围之外的第 %d 页", id)
	}
	head := v.head[:]
	if v.data != nil {
		if (id+1)*ps > uint64(len(v.data)) {
			return nil, fmt.Errorf("第 %d 页无法读取", id)
		}
		head = v.data[id*ps : id*ps+16]
	} else if _, err := v.f.ReadAt(head, int64(id*ps)); err != nil {
		return nil, fmt.Errorf("第 %d 页无法读取", id)
	}
	le := binary.LittleEndian
	over := uint64(le.Uint32(head[12:]))
	if le.Uint64(head) != id {
		return nil, fmt.Errorf("第 %d 页的页头自称第 %d 页", id, le.Uint64(head))
	}
	if id+over >= v.m.pgid {
		return nil, fmt.Errorf("第 %d 页的溢出页超出文件范围", id)
	}
	if v.data != nil {
		if (id+over+1)*ps > uint64(len(v.data)) {
			return nil, fmt.Errorf("第 %d 页的溢出页超出文件范围", id)
		}
		return v.data[id*ps : (id+over+1)*ps], nil
	}
	p := make([]byte, (over+1)*ps)
	if _, err := v.f.ReadAt(p, int64(id*ps)); err != nil {
		return nil, fmt.Errorf("第 %d 页无法读取", id)
	}
	return p, nil
}

func (v *validator) checkFreelist(id uint64) error {
	p, err := v.page(id)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	if le.Uint16(p[8:])&flagFreelist == 0 {
		return fmt.Errorf("空闲页列表（第 %d 页）的类型不对", id)
	}
	count, at := uint64(le.Uint16(p[10:])), uint64(16)
	if count == 0xFFFF {
		if len(p) < 24 {
			return fmt.Errorf("空闲页列表（第 %d 页）损坏", id)
		}
		count, at = le.Uint64(p[16:]), 24
	}
	if count > uint64(len(p)) || at+count*8 > uint64(len(p)) {
		return fmt.Errorf("空闲页列表（第 %d 页）的长度超出页面", id)
	}
	for i := uint64(0); i < count; i++ {
		if free := le.Uint64(p[at+i*8:]); free < 2 || free >= v.m.pgid {
			return fmt.Errorf("空闲页列表（第 %d 页）列出了不存在的第 %d 页", id, free)
		}
	}
	return nil
}

// tree checks the bucket tree whose page is id.
func (v *validator) tree(id uint64, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("第 %d 页：树的层数异常", id)
	}
	if id/64 < uint64(len(v.seen)) {
		if v.seen[id/64]&(1<<(id%64)) != 0 {
			return fmt.Errorf("第 %d 页被引用了两次", id)
		}
		v.seen[id/64] |= 1 << (id % 64)
	}
	p, err := v.page(id)
	if err != nil {
		return err
	}
	return v.node(id, p, depth)
}

// node checks one branch or leaf page (p may be a bucket's inline page).
func (v *validator) node(id uint64, p []byte, depth int) error {
	le := binary.LittleEndian
	if len(p) < 16 {
		return fmt.Errorf("第 %d 页不完整", id)
	}
	flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if 16+count*16 > len(p) {
		return fmt.Errorf("第 %d 页的元素个数超出页面", id)
	}
	for i := 0; i < count; i++ {
		at := 16 + i*16
		el := p[at:]
		switch flags {
		case flagBranch:
			pos, ksize := uint64(le.Uint32(el[0:])), uint64(le.Uint32(el[4:]))
			if uint64(at)+pos+ksize > uint64(len(p)) || ksize == 0 {
				return fmt.Errorf("第 %d 页第 %d 个元素的键超出页面", id, i)
			}
			if err := v.tree(le.Uint64(el[8:]), depth+1); err != nil {
				return err
			}
		case flagLeaf:
			eflags, pos, ksize, vsize := le.Uint32(el[0:]), uint64(le.Uint32(el[4:])), uint64(le.Uint32(el[8:])), uint64(le.Uint32(el[12:]))
			start := uint64(at) + pos
			if start+ksize+vsize > uint64(len(p)) || ksize == 0 {
				return fmt.Errorf("第 %d 页第 %d 个元素超出页面", id, i)
			}
			if eflags&leafIsBucket == 0 {
				continue
			}
			val := p[start+ksize : start+ksize+vsize]
			if len(val) < 16 {
				return fmt.Errorf("第 %d 页第 %d 个子分区记录不完整", id, i)
			}
			if root := le.Uint64(val); root != 0 {
				if err := v.tree(root, depth+1); err != nil {
					return err
				}
			} else if err := v.node(id, val[16:], depth+1); err != nil { // an inline bucket
				return err
			}
		default:
			return fmt.Errorf("第 %d 页的类型（%#x）不对", id, flags)
		}
	}
	return nil
}
