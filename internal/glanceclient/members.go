package glanceclient

import (
	"context"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
)

// Member is an image membership as Glance returns it.
type Member = members.Member

// Image is an image as Glance returns it.
type Image = images.Image

// AddMember shares imageID with project memberID: POST /v2/images/{id}/members.
func (c *Client) AddMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	return members.Create(ctx, c.image, imageID, memberID).Extract()
}

// GetMember reads one membership: GET /v2/images/{id}/members/{member}.
func (c *Client) GetMember(ctx context.Context, imageID, memberID string) (*Member, error) {
	return members.Get(ctx, c.image, imageID, memberID).Extract()
}

// RemoveMember ends a membership: DELETE /v2/images/{id}/members/{member}.
func (c *Client) RemoveMember(ctx context.Context, imageID, memberID string) error {
	return members.Delete(ctx, c.image, imageID, memberID).ExtractErr()
}

// GetImage reads an image; used to explain a failed member call (is it gone, or not shared?).
func (c *Client) GetImage(ctx context.Context, imageID string) (*Image, error) {
	return images.Get(ctx, c.image, imageID).Extract()
}

// UpdateMemberStatus sets a membership's status as the member project: PUT
// /v2/images/{id}/members/{member}.
func (c *Client) UpdateMemberStatus(ctx context.Context, imageID, memberID, status string) (*Member, error) {
	return members.Update(ctx, c.image, imageID, memberID, members.UpdateOpts{Status: status}).Extract()
}
