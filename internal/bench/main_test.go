package bench

import (
	"testing"

	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// TestMain builds the provider into the mirror the bench's terraform commands install from.
func TestMain(m *testing.M) { tfcli.Main(m) }
