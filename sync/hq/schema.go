package hq

import (
	"context"
	"net/http"
	"time"

	"fieldcase/cases"
	"fieldcase/sync/proto"
)

// Schema is where an HQ store's layout stands: its kind, the newest
// migration it has applied, and every migration this build knows, in
// order (fieldcase hq migrate status). The layouts and their migrations
// are described in docs/sync.md §11–12.
type Schema struct {
	Kind       string           `json:"kind"`    // "bbolt" or "postgres"
	Version    int              `json:"version"` // 0: no HQ data yet
	Migrations []MigrationState `json:"migrations"`
}

// MigrationState is one migration of a store's list.
type MigrationState struct {
	Version   int        `json:"version"`
	Name      string     `json:"name"`
	Applied   bool       `json:"applied"`
	AppliedAt *time.Time `json:"applied_at,omitempty"` // hqpg records it; hqbolt does not
}

// Newer reports whether the store was written by a newer build, one with
// migrations this build does not know.
func (s Schema) Newer() bool {
	return len(s.Migrations) > 0 && s.Version > s.Migrations[len(s.Migrations)-1].Version
}

// SchemaReader is a store that can say where its schema stands. Both HQ
// stores are; HQ asks its store through it for the admin API.
type SchemaReader interface {
	Schema(ctx context.Context) (Schema, error)
}

// Schema implements Admin: the schema of the store this HQ serves.
func (h *HQ) Schema(ctx context.Context) (Schema, error) {
	r, ok := h.store.(SchemaReader)
	if !ok {
		return Schema{}, apiErr(http.StatusNotFound, proto.CodeNotFound, "这个 HQ 存储不提供结构版本")
	}
	return r.Schema(ctx)
}

// Schema implements Admin.
func (a *RemoteAdmin) Schema(ctx context.Context) (Schema, error) {
	var out Schema
	if err := a.call(ctx, http.MethodGet, PathAdminSchema, nil, &out); err != nil {
		return out, err
	}
	out.Kind = cases.CleanLine(out.Kind)
	for i := range out.Migrations {
		out.Migrations[i].Name = cases.CleanLine(out.Migrations[i].Name)
	}
	return out, nil
}
