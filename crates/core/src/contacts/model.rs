//! The contact structure as the core keeps it: what an authority says about a contact point or
//! a contact group, plus where its mail goes. Plain data; the rules for what is valid live in
//! `csv_import`, the SQL in `store`, the wire shape in `brevdue_api::contacts`.

use brevdue_api::contacts as wire;
use brevdue_api::contacts::{
    ABSOLUTE_MAX_MESSAGE_BYTES, Audience, AuthorityType, ClassificationCode, ExtraField,
    LocationCode,
};

/// The most extra fields a contact point may ask for.
pub const MAX_EXTRA_FIELDS: usize = 2;

/// A contact point as the authority describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPoint {
    /// Given by the authority; unique across all authorities.
    pub id: String,
    pub authority_id: String,
    pub name: String,
    pub description: String,
    pub info_text: String,
    pub search_words: Vec<String>,
    /// Sorted, without repeats, never empty.
    pub audiences: Vec<Audience>,
    pub visible: bool,
    pub self_service_url: Option<String>,
    /// At most [`MAX_EXTRA_FIELDS`].
    pub extra_fields: Vec<ExtraField>,
    /// KLE and FORM codes in the order given.
    pub codes: Vec<ClassificationCode>,
    pub location_code: Option<LocationCode>,
    pub max_attachments: Option<u32>,
    /// `None`: the absolute limit.
    pub max_attachment_bytes: Option<u64>,
    /// The system that receives this contact point's mail; `None`: the authority's default.
    pub recipient_system_id: Option<String>,
    /// The groups it sits in, sorted.
    pub group_ids: Vec<String>,
}

/// A contact group as the authority describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactGroup {
    pub id: String,
    pub authority_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub description: String,
}

/// The authority a contact point belongs to, as shown with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub id: String,
    pub name: String,
    /// Its CVR number.
    pub cvr: String,
    pub authority_type: AuthorityType,
}

impl ContactPoint {
    /// The wire shape, shown with its authority.
    pub fn to_wire(&self, authority: &Authority) -> wire::ContactPoint {
        wire::ContactPoint {
            id: self.id.clone(),
            authority_id: authority.id.clone(),
            authority_name: authority.name.clone(),
            authority_cvr: authority.cvr.clone(),
            authority_type: authority.authority_type,
            name: self.name.clone(),
            description: self.description.clone(),
            info_text: self.info_text.clone(),
            search_words: self.search_words.clone(),
            audiences: self.audiences.clone(),
            visibility: if self.visible {
                wire::Visibility::Visible
            } else {
                wire::Visibility::Hidden
            },
            self_service_url: self.self_service_url.clone(),
            extra_fields: self.extra_fields.clone(),
            codes: self.codes.clone(),
            location_code: self.location_code.clone(),
            attachment_limits: wire::AttachmentLimits {
                max_count: self.max_attachments,
                max_total_bytes: self
                    .max_attachment_bytes
                    .map_or(ABSOLUTE_MAX_MESSAGE_BYTES, |b| {
                        b.min(ABSOLUTE_MAX_MESSAGE_BYTES)
                    }),
            },
            group_ids: self.group_ids.clone(),
        }
    }
}
