//! Enrichment of a message written in a viewing client to a contact point: the contact
//! point's KLE and FORM codes are added to the MeMo's `ContentData` (`KLEdata`, `FORMdata`:
//! the first code of each kind, since MeMo holds one of each), and its location code to the
//! recipient's `AttentionData` (`GlobalLocationNumber` for EAN/GLN, `SORdata` for SOR), and the
//! MeMo is written again with these additions.
//!
//! Only `writing` calls this. A memo from a sender system is never changed: `routing::accept`
//! stores the bytes it was given.

use std::io::{self, BufWriter, Read, Write};

use brevdue_api::contacts::{CodeKind, LocationCodeType};
use brevdue_memo::{
    AttentionData, ContentData, FileId, FormData, GlobalLocationNumber, KleData, Message, SorData,
};
use sha2::{Digest, Sha256};

use crate::blobs::BlobStore;
use crate::contacts::ContactPoint;
use crate::error::{ApiError, ApiResult};
use crate::routing::Parsed;

/// The `version` written with a code: contact points do not say which version of KLE or FORM
/// their codes come from.
pub const CODE_VERSION: &str = "ukendt";

/// Adds the contact point's codes to `model`; `false` when it has none (nothing changed).
pub fn enrich(model: &mut Message, point: &ContactPoint) -> bool {
    let first = |kind: CodeKind| point.codes.iter().find(|c| c.kind == kind);
    let label = |code: &str, label: &str| {
        if label.trim().is_empty() {
            code.to_owned()
        } else {
            label.to_owned()
        }
    };
    let mut changed = false;
    if let Some(kle) = first(CodeKind::Kle) {
        let data = model.content_data.get_or_insert_with(ContentData::default);
        data.kle_data = Some(KleData {
            subject_key: kle.code.clone(),
            version: CODE_VERSION.to_owned(),
            activity_facet: None,
            label: label(&kle.code, &kle.label),
        });
        changed = true;
    }
    if let Some(form) = first(CodeKind::Form) {
        let data = model.content_data.get_or_insert_with(ContentData::default);
        data.form_data = Some(FormData {
            task_key: form.code.clone(),
            version: CODE_VERSION.to_owned(),
            activity_facet: None,
            label: label(&form.code, &form.label),
        });
        changed = true;
    }
    if let Some(location) = &point.location_code {
        let attention = model
            .recipient
            .attention_data
            .get_or_insert_with(AttentionData::default);
        match location.code_type {
            LocationCodeType::Gln => {
                attention.global_location_number = Some(GlobalLocationNumber {
                    global_location_number: location.code.clone(),
                    location: None,
                });
            }
            LocationCodeType::Sor => {
                attention.sor_data = Some(SorData {
                    sor_identifier: location.code.clone(),
                    entry_name: None,
                });
            }
        }
        changed = true;
    }
    changed
}

/// Writes `parsed.model` as the new raw MeMo of `parsed` (blocking): the files are copied from
/// their temporary files, the new bytes hashed and counted.
pub(crate) fn rewrite(blobs: &BlobStore, parsed: &mut Parsed) -> ApiResult<()> {
    let out = blobs.temp_file()?;
    {
        let files: Vec<(FileId, std::fs::File)> = parsed
            .files
            .iter()
            .map(|(id, tmp)| tmp.reopen().map(|f| (*id, f)))
            .collect::<io::Result<_>>()?;
        let mut files = files.into_iter().map(Some).collect::<Vec<_>>();
        let mut source = |id: FileId| -> io::Result<Box<dyn Read>> {
            files
                .iter_mut()
                .find(|f| f.as_ref().is_some_and(|(fid, _)| *fid == id))
                .and_then(Option::take)
                .map(|(_, f)| Box::new(f) as Box<dyn Read>)
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
        };
        let mut writer = BufWriter::with_capacity(256 * 1024, out.as_file().try_clone()?);
        brevdue_memo::write(&parsed.model, &mut writer, &mut source)
            .map_err(|e| ApiError::internal(&e))?;
        writer.flush()?;
    }
    let mut hasher = Sha256::new();
    let mut input = out.reopen()?;
    let size = io::copy(&mut input, &mut HashWriter(&mut hasher))?;
    parsed.raw = out;
    parsed.raw_sha256 = hex::encode(hasher.finalize());
    parsed.raw_size = size;
    Ok(())
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use brevdue_api::contacts::{Audience, ClassificationCode, LocationCode};

    fn point(codes: Vec<ClassificationCode>, location: Option<LocationCode>) -> ContactPoint {
        ContactPoint {
            id: "kp".into(),
            authority_id: "a".into(),
            name: "Pas".into(),
            description: String::new(),
            info_text: String::new(),
            search_words: vec![],
            audiences: vec![Audience::Citizen],
            visible: true,
            self_service_url: None,
            extra_fields: vec![],
            codes,
            location_code: location,
            max_attachments: None,
            max_attachment_bytes: None,
            recipient_system_id: None,
            group_ids: vec![],
        }
    }

    fn message() -> Message {
        let xml = include_bytes!("../../memo/tests/data/valid_12_full.xml");
        brevdue_memo::read(&xml[..], &mut brevdue_memo::Discard).expect("the sample reads")
    }

    #[test]
    fn codes_and_location_are_added() {
        let mut m = message();
        m.content_data = None;
        m.recipient.attention_data = None;
        let p = point(
            vec![
                ClassificationCode {
                    kind: CodeKind::Form,
                    code: "32.15.10".into(),
                    label: "".into(),
                },
                ClassificationCode {
                    kind: CodeKind::Kle,
                    code: "05.04.02".into(),
                    label: "Pas".into(),
                },
                ClassificationCode {
                    kind: CodeKind::Kle,
                    code: "05.04.03".into(),
                    label: "Anden".into(),
                },
            ],
            Some(LocationCode {
                code_type: LocationCodeType::Gln,
                code: "5790000000005".into(),
            }),
        );
        assert!(enrich(&mut m, &p));
        let data = m.content_data.expect("content data");
        let kle = data.kle_data.expect("KLE");
        assert_eq!(
            (kle.subject_key.as_str(), kle.label.as_str()),
            ("05.04.02", "Pas")
        );
        let form = data.form_data.expect("FORM");
        assert_eq!(
            (form.task_key.as_str(), form.label.as_str()),
            ("32.15.10", "32.15.10")
        );
        let gln = m
            .recipient
            .attention_data
            .and_then(|a| a.global_location_number)
            .expect("GLN");
        assert_eq!(gln.global_location_number, "5790000000005");
    }

    #[test]
    fn nothing_to_add_changes_nothing() {
        let mut m = message();
        let before = m.clone();
        assert!(!enrich(&mut m, &point(vec![], None)));
        assert_eq!(m, before);
    }
}
