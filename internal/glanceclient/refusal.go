package glanceclient

import (
	"context"
	"errors"
	"net/http"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

// Refusal is why Glance refused a change to (or a read of) an image's members, found by
// reading the image once, so that a diagnostic can say it without asking Glance itself.
type Refusal int

const (
	// RefusalUnexplained: the image could not be read to find out why (RefusedError.LookupErr).
	RefusalUnexplained Refusal = iota
	// RefusalImageNotVisible: the caller cannot see the image at all (not its owner's project).
	RefusalImageNotVisible
	// RefusalNotShared: Image API v2, and the image's visibility is not `shared`.
	RefusalNotShared
	// RefusalNotOwner: the image belongs to another project (RefusedError.Image.Owner).
	RefusalNotOwner
	// RefusalMissingRole: the caller owns the image and was refused all the same: its user
	// lacks the member role on the project.
	RefusalMissingRole
)

// RefusedError is Glance's 403 to a member call (v1's 404 "No permission to share that
// image" included), with its Reason. It unwraps to Glance's answer.
type RefusedError struct {
	Reason Refusal
	// Image is the image as the caller sees it; nil for RefusalImageNotVisible and
	// RefusalUnexplained.
	Image *Image
	// LookupErr is why the image could not be read (RefusalUnexplained).
	LookupErr error
	Err       error
}

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// explainRefusal turns a 403 from a call about imageID's members, made in Image API version
// (api its calls), into a *RefusedError: the image is read in the same version (shared as
// GetImage is, so a refresh of many memberships of one refused image reads it once) and the
// reason told from what it shows. Any other error is returned as is.
func (c *Client) explainRefusal(ctx context.Context, api memberAPI, version, imageID string, err error) error {
	if Status(err) != http.StatusForbidden || c.SystemScope != "" {
		return err // a system-scoped token is refused whatever the image: nothing to read
	}
	var already *RefusedError
	if errors.As(err, &already) {
		return err
	}
	img, lookupErr := c.image(ctx, api, version, imageID)
	e := &RefusedError{Image: img, Err: err}
	switch {
	case IsNotFound(lookupErr):
		e.Reason, e.Image = RefusalImageNotVisible, nil
	case lookupErr != nil:
		e.Reason, e.LookupErr = RefusalUnexplained, lookupErr
	case version != ImageAPIv1 && img.Visibility != images.ImageVisibilityShared: // v1 has no such rule
		e.Reason = RefusalNotShared
	case c.ProjectID != "" && img.Owner != c.ProjectID:
		e.Reason = RefusalNotOwner
	default:
		e.Reason = RefusalMissingRole
	}
	return e
}

// NotShared says whether err is Glance refusing an image's members because the image is not
// shared (any more), and its visibility: Glance keeps the members of such an image, hidden,
// and restores them when it is shared again.
func NotShared(err error) (images.ImageVisibility, bool) {
	var refused *RefusedError
	if errors.As(err, &refused) && refused.Reason == RefusalNotShared {
		return refused.Image.Visibility, true
	}
	return "", false
}
