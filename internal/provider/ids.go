package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/helpers/validatordiag"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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
	return []validator.String{stringvalidator.LengthBetween(1, 255), memberIDChars{}}
}

// memberIDProblem says why id cannot be a project ID ("never contains '?'"), or "". Keystone's project IDs are
// printable ASCII without these characters. Glance stores any string it is given in a POST
// body, but an ID outside printable ASCII can never be found again by its URL (GET and DELETE
// answer 404, escaped or not), and "?", "#", "%", "/" and "\" or a whole "." or ".." would
// reach Glance's URL paths as something else wherever a proxy or server un-escapes or
// normalises them. (The client escapes every ID it puts in a path as well.)
func memberIDProblem(id string) string {
	if id == "." || id == ".." {
		return fmt.Sprintf("is never %q", id)
	}
	for _, r := range id {
		switch {
		case 'A' <= r && r <= 'Z':
			// Keystone writes project IDs in lower case, and Glance compares them exactly: an
			// upper-case ID would share the image with no project, and no drift would show.
			return fmt.Sprintf("Keystone writes in lower case: use %q", strings.ToLower(id))
		case r == '/' || r == '?' || r == '#' || r == '%' || r == '\\':
			return fmt.Sprintf("never contains '%c'", r)
		case r == ' ':
			return "never contains a space"
		case r < 0x20 || r == 0x7f:
			return fmt.Sprintf("never contains a control character (U+%04X)", r)
		case r > 0x7e:
			return fmt.Sprintf(
				"never contains %q (U+%04X): project IDs are ASCII, and Glance cannot find a member with other "+
					"characters again by its URL",
				r,
				r,
			)
		}
	}
	return ""
}

// glanceParameters are the query parameters Glance's image list reads as its own (its
// columns, paging, sorting): a property filter of that name would be read as them.
var glanceParameters = []string{
	"id", "name", "disk_format", "container_format", "size", "virtual_size", "status", "visibility", "checksum",
	"os_hash_algo", "os_hash_value", "min_disk", "min_ram", "owner", "protected", "os_hidden", "created_at",
	"updated_at", "deleted_at", "deleted", "limit", "marker", "member_status", "tag", "sort", "sort_key", "sort_dir",
	"changes-since",
}

// propertyKey refuses a property filter whose key Glance would read as one of its own
// parameters (or as a _min/_max range), so that the image found is the one the filter names.
type propertyKey struct{}

func (propertyKey) Description(context.Context) string {
	return "an image property's name, not one of Glance's own list parameters"
}

func (v propertyKey) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (propertyKey) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	key := req.ConfigValue.ValueString()
	if req.ConfigValue.IsUnknown() ||
		!slices.Contains(glanceParameters, key) && !strings.HasSuffix(key, "_min") && !strings.HasSuffix(key, "_max") {
		return
	}
	resp.Diagnostics.AddAttributeError(glanceParameterAsProperty(req.Path, key))
}

// literalTag refuses a tag with spaces around it: Glance strips a tag filter's spaces, and
// would find images with another tag than the one named.
var literalTag = stringvalidator.RegexMatches(regexp.MustCompile(`^\S(.*\S)?$`),
	"must not be empty or start or end with a space: Glance strips the spaces of a tag filter, and would find images "+
		"tagged with another tag")

// positiveDuration refuses a timeout of zero or less, which would end every request at once;
// the timeouts block's own validator has already refused what does not parse.
type positiveDuration struct{}

func (positiveDuration) Description(context.Context) string { return "a duration longer than zero" }

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || err != nil || d > 0 {
		return
	}
	resp.Diagnostics.Append(validatordiag.InvalidAttributeValueDiagnostic(req.Path,
		"must be longer than zero: a timeout of "+req.ConfigValue.ValueString()+" would end every request before it "+
			"starts (for example \"10m\")", fmt.Sprintf("%q", req.ConfigValue.ValueString())))
}

// memberIDChars is memberIDProblem as a schema validator.
type memberIDChars struct{}

func (memberIDChars) Description(context.Context) string {
	return "a project ID: printable ASCII, without '/', '?', '#', '%', '\\' or spaces"
}

func (v memberIDChars) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (memberIDChars) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := memberIDProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.Append(
			validatordiag.InvalidAttributeValueDiagnostic(
				req.Path,
				"must be a project ID, which "+problem,
				fmt.Sprintf("%q", req.ConfigValue.ValueString()),
			),
		)
	}
}

// Import ID forms, as the diagnostics show them.
const (
	memberImportForm     = "[<region>/]<image_id>/<member_id>"
	acceptanceImportForm = "[<region>/]<image_id> or [<region>/]<image_id>/<member_id>"
	imageImportForm      = "[<region>/]<image_id>"
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
	case memberID == "" || len(memberID) > 255:
		return "", "", fmt.Errorf("%q is not a project ID (1 to 255 characters)", memberID)
	}
	if problem := memberIDProblem(memberID); problem != "" {
		return "", "", fmt.Errorf("%q is not a project ID: it %s", memberID, problem)
	}
	return imageID, memberID, nil
}

// splitRegion takes a leading "<region>/" off an import ID with more slashes than the
// resource's own form has (slashes): "RegionTwo/<image_id>/<member_id>". Image and project
// IDs never contain "/", so the count tells.
func splitRegion(id string, slashes int) (region, rest string) {
	if strings.Count(id, "/") == slashes+1 {
		region, rest, _ = strings.Cut(id, "/")
		return region, rest
	}
	return "", id
}

// parseImageID checks an import ID that is an image ID alone.
func parseImageID(id string) (string, error) {
	if !uuidPattern.MatchString(id) {
		return "", fmt.Errorf("%q is not an image ID (a lower-case UUID)", id)
	}
	return id, nil
}

// timestamp is how every time reaches state: RFC 3339 in UTC; null when Glance gave none
// (Image API v1 has no membership times).
func timestamp(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// optionalString is a value Glance may not give (Image API v1 has no member status): null
// when empty.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// --- resource identity (Terraform 1.12 and later) ---------------------------------------------

// identityMember is how a resource's identity names the member project.
type identityMember int

const (
	noMember       identityMember = iota // glance_image_members: the image's whole list
	memberRequired                       // glance_image_member
	memberOptional                       // glance_image_member_acceptance: the provider's project when omitted
)

// identitySchema is a resource's identity: the image, the member and the region, the same
// values as its state's. An import by identity reads them as the string import ID does
// (identityImportID).
func identitySchema(member identityMember) identityschema.Schema {
	attrs := map[string]identityschema.Attribute{
		"image_id": identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the image."},
		"region": identityschema.StringAttribute{OptionalForImport: true, Description: "Region of the image " +
			"service; the provider's when omitted."},
	}
	if member != noMember {
		attrs["member_id"] = identityschema.StringAttribute{
			RequiredForImport: member == memberRequired,
			OptionalForImport: member == memberOptional,
			Description:       "ID of the member project.",
		}
	}
	return identityschema.Schema{Attributes: attrs}
}

// identityAtRead gives a Read's response the identity of its prior state when the framework
// has none for it (after an import by ID, for a state from before identities, or from a
// Terraform before 1.12, which keeps none): the framework wants one even from a Read that
// removes the resource. Otherwise the prior identity stands, as the prior state does; a Read
// that changes the state calls setIdentity again.
func identityAtRead(
	ctx context.Context,
	state *tfsdk.State,
	identity *tfsdk.ResourceIdentity,
	diags *diag.Diagnostics,
) {
	if identity != nil && identity.Raw.IsFullyNull() {
		setIdentity(ctx, state, identity, diags)
	}
}

// setIdentity gives the resource the identity its state says, after a create, read or
// update (deferred, so that every path that keeps the resource sets it), unless it was
// removed. Terraform before 1.12 ignores it. Each identity attribute is the state's attribute
// of the same name ("" for null).
func setIdentity(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || state.Raw.IsNull() || diags.HasError() {
		return
	}
	for name := range identity.Schema.GetAttributes() {
		var v types.String
		diags.Append(state.GetAttribute(ctx, path.Root(name), &v)...)
		diags.Append(identity.SetAttribute(ctx, path.Root(name), v.ValueString())...)
	}
}

// importID is what an ImportState parses: the import ID, or an import by identity as the ID
// that names the same thing.
func importID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) string {
	if req.ID != "" || req.Identity == nil {
		return req.ID
	}
	id, ds := identityImportID(ctx, req.Identity)
	diags.Append(ds...)
	return id
}

// identityImportID is an import by identity as the import ID that names the same thing,
// `[<region>/]<image_id>[/<member_id>]`, so that one parser checks both forms.
func identityImportID(ctx context.Context, identity *tfsdk.ResourceIdentity) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	value := func(name string) string {
		if _, ok := identity.Schema.GetAttributes()[name]; !ok {
			return ""
		}
		var v types.String
		diags.Append(identity.GetAttribute(ctx, path.Root(name), &v)...)
		return v.ValueString()
	}
	id := value("image_id")
	if member := value("member_id"); member != "" {
		id += "/" + member
	}
	if region := value("region"); region != "" {
		id = region + "/" + id
	}
	return id, diags
}
