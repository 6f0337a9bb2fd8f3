//! Deep links and QR codes of contact points, for authorities to put on their web pages:
//! `GET /apis/v1/contact-points/{id}/qr.png` and `.../qr.svg` encode the contact point's deep
//! link `brevdue://contact-point/<id>` (see `brevdue_api::contacts::deep_link`), which opens
//! compose for it in the viewing client. 404 when there is no such contact point.
//!
//! The QR code has error correction level M and a quiet zone of 4 modules; the PNG is 8-bit
//! greyscale, 8 pixels per module, written with the `png` crate.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use brevdue_api::ErrorBody;
use qrcode::{Color, EcLevel, QrCode};

use crate::contacts::ContactPoints;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Pixels per module in the PNG.
const SCALE: usize = 8;
/// Modules of white around the code.
const QUIET_ZONE: usize = 4;

/// The deep link of contact point `id`, its id percent-encoded beyond letters, digits and
/// `-._~` (import allows only letters, digits, `.`, `_` and `-`, so this changes nothing today).
pub(crate) fn deep_link(id: &str) -> String {
    let mut encoded = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    brevdue_api::contacts::deep_link(&encoded)
}

/// The QR code of `link`.
fn code(link: &str) -> ApiResult<QrCode> {
    QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|e| ApiError::bad_request(format!("the link cannot be a QR code: {e}")))
}

/// The QR code of `link` as an SVG document.
pub(crate) fn svg_of(link: &str) -> ApiResult<String> {
    Ok(code(link)?
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(SCALE as u32, SCALE as u32)
        .build())
}

/// The QR code of `link` as a PNG image.
pub(crate) fn png_of(link: &str) -> ApiResult<Vec<u8>> {
    let code = code(link)?;
    let width = code.width();
    let colors = code.to_colors();
    let side = (width + 2 * QUIET_ZONE) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
        for y in my * SCALE..(my + 1) * SCALE {
            let row = y * side;
            pixels[row + mx * SCALE..row + (mx + 1) * SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    let side_u32 = u32::try_from(side).map_err(|e| ApiError::internal(&e))?;
    let mut encoder = png::Encoder::new(&mut out, side_u32, side_u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| ApiError::internal(&e))?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| ApiError::internal(&e))?;
    writer.finish().map_err(|e| ApiError::internal(&e))?;
    Ok(out)
}

/// The deep link of an existing contact point; 404 otherwise.
async fn link_of(state: &AppState, id: &str) -> ApiResult<String> {
    let found = ContactPoints::new(state.db.clone())
        .get(id)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    match found {
        Some((point, _)) => Ok(deep_link(&point.id)),
        None => Err(ApiError::not_found()),
    }
}

fn image(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

/// A QR code (PNG) of the contact point's deep link `brevdue://contact-point/<id>`.
#[utoipa::path(get, path = "/apis/v1/contact-points/{id}/qr.png", tag = "contact points",
    params(("id" = String, Path)),
    responses((status = 200, content_type = "image/png", description = "the QR code"),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn png(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let link = link_of(&state, &id).await?;
    Ok(image("image/png", png_of(&link)?))
}

/// A QR code (SVG) of the contact point's deep link `brevdue://contact-point/<id>`.
#[utoipa::path(get, path = "/apis/v1/contact-points/{id}/qr.svg", tag = "contact points",
    params(("id" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml", description = "the QR code"),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn svg(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let link = link_of(&state, &id).await?;
    Ok(image("image/svg+xml", svg_of(&link)?.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_links_encode_odd_characters() {
        assert_eq!(deep_link("kp-pas.1"), "brevdue://contact-point/kp-pas.1");
        assert_eq!(deep_link("a/b c"), "brevdue://contact-point/a%2Fb%20c");
    }
}
