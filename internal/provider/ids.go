package provider

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// IDs and formats, in one place: what an image ID and a member ID look like, the import IDs
// built from them and read back, and how timestamps reach state.

// uuidPattern is an image ID as Glance writes it: a lower-case UUID. An upper-case one would
// be accepted by Glance and written back lower-case, an endless diff.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

const (
	exampleImageID  = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
	exampleMemberID = "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"
)

func imageIDValidator() validator.String {
	return stringvalidator.RegexMatches(uuidPattern, "must be an image ID: a lower-case UUID such as "+exampleImageID)
}

func memberIDValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 255),
		stringvalidator.RegexMatches(regexp.MustCompile(`^[^/]*$`), "must be a project ID, which never contains '/'"),
	}
}

// Import ID forms, as the diagnostics show them.
const (
	memberImportForm     = "<image_id>/<member_id>"
	acceptanceImportForm = "<image_id> or <image_id>/<member_id>"
	imageImportForm      = "<image_id>"
)

// memberImportID is the ID of a membership, `<image_id>/<member_id>`: parseMemberID's inverse.
func memberImportID(imageID, memberID string) string { return imageID + "/" + memberID }

// parseMemberID splits an import ID `<image_id>/<member_id>` and checks both halves; the
// error says which part is wrong (invalidImportID puts it in words with the form).
func parseMemberID(id string) (imageID, memberID string, err error) {
	imageID, memberID, ok := strings.Cut(id, "/")
	switch {
	case !ok:
		return "", "", fmt.Errorf("%q has no '/'", id)
	case !uuidPattern.MatchString(imageID):
		return "", "", fmt.Errorf("%q is not an image ID (a UUID)", imageID)
	case memberID == "" || len(memberID) > 255 || strings.Contains(memberID, "/"):
		return "", "", fmt.Errorf("%q is not a project ID (1 to 255 characters, no '/')", memberID)
	}
	return imageID, memberID, nil
}

// parseImageID checks an import ID that is an image ID alone.
func parseImageID(id string) (string, error) {
	if !uuidPattern.MatchString(id) {
		return "", fmt.Errorf("%q is not an image ID (a lower-case UUID)", id)
	}
	return id, nil
}

// timestamp is how every time reaches state: RFC 3339 in UTC.
func timestamp(t time.Time) types.String { return types.StringValue(t.UTC().Format(time.RFC3339)) }
