//! Which renderer draws the window: the order to try, the IT override, and what
//! to tell the user when none can draw. Pure, so it is tested without a GPU.

use std::fmt;

use thiserror::Error;

/// Environment variable IT sets to force one renderer.
pub use crate::config::env_vars::HERO_RENDERER as OVERRIDE_VAR;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    /// OpenGL through glow: starts fastest (PLATFORM-NOTES), needs OpenGL 2.0+.
    Glow,
    /// wgpu: DX12 (with the WARP software adapter over Remote Desktop), Metal, Vulkan (not its GL backend: glow covers OpenGL).
    Wgpu,
}

impl fmt::Display for Renderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Glow => "glow",
            Self::Wgpu => "wgpu",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{OVERRIDE_VAR} must be \"glow\" or \"wgpu\", not \"{0}\": trying both")]
pub struct OverrideError(pub String);

/// Reads the override's value; unset or empty means "no override".
pub fn parse_override(value: Option<&str>) -> Result<Option<Renderer>, OverrideError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match value.to_ascii_lowercase().as_str() {
        "glow" | "opengl" | "gl" => Ok(Some(Renderer::Glow)),
        "wgpu" => Ok(Some(Renderer::Wgpu)),
        _ => Err(OverrideError(value.to_owned())),
    }
}

/// The renderers to try, first choice first. An override means only that one:
/// IT asked for it, so a silent switch would hide what they are testing.
pub fn order(forced: Option<Renderer>) -> Vec<Renderer> {
    match forced {
        Some(renderer) => vec![renderer],
        None => vec![Renderer::Glow, Renderer::Wgpu],
    }
}

/// The one line Settings shows, e.g. "OpenGL (glow)" or "wgpu (Vulkan)".
/// `wgpu_backend` is the adapter's backend as wgpu names it (`Vulkan`, `Dx12`, …).
pub fn label(renderer: Renderer, wgpu_backend: Option<&str>) -> String {
    match renderer {
        Renderer::Glow => "OpenGL (glow)".to_owned(),
        Renderer::Wgpu => {
            let backend = match wgpu_backend {
                Some("Dx12") => "DirectX 12",
                Some("Gl") => "OpenGL",
                Some(other) => other,
                None => return "wgpu".to_owned(),
            };
            format!("wgpu ({backend})")
        }
    }
}

/// What the user (and IT) reads when no renderer could open the window. The plain
/// sentence comes first; the raw errors follow only as details for IT.
pub fn nothing_can_draw_message(failures: &[(Renderer, String)]) -> String {
    let mut text = String::from(
        "Hero Intake can't draw its window on this computer's graphics.\n\
         IT can try: update the graphics driver, or start Hero Intake with \
         HERO_RENDERER=wgpu (or HERO_RENDERER=glow) set.\n\
         The command line still works: run \"hero-intake-cli --help\" in a terminal \
         (Command Prompt or PowerShell on Windows).",
    );
    if !failures.is_empty() {
        text.push_str("\n\nDetails for IT:");
        for (renderer, error) in failures {
            text.push_str(&format!("\n- {renderer}: {error}"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_override_tries_glow_then_wgpu() {
        assert_eq!(parse_override(None), Ok(None));
        assert_eq!(parse_override(Some("  ")), Ok(None));
        assert_eq!(order(None), vec![Renderer::Glow, Renderer::Wgpu]);
    }

    #[test]
    fn override_names_one_renderer_in_any_case() {
        assert_eq!(parse_override(Some("wgpu")), Ok(Some(Renderer::Wgpu)));
        assert_eq!(parse_override(Some(" WGPU ")), Ok(Some(Renderer::Wgpu)));
        assert_eq!(parse_override(Some("Glow")), Ok(Some(Renderer::Glow)));
        assert_eq!(order(Some(Renderer::Wgpu)), vec![Renderer::Wgpu]);
        assert_eq!(order(Some(Renderer::Glow)), vec![Renderer::Glow]);
    }

    #[test]
    fn unknown_override_is_named_in_the_message() {
        let error = parse_override(Some("vulkan")).unwrap_err();
        assert_eq!(error, OverrideError("vulkan".to_owned()));
        let text = error.to_string();
        assert!(
            text.contains("HERO_RENDERER") && text.contains("\"vulkan\""),
            "{text}"
        );
    }

    #[test]
    fn labels_say_what_draws() {
        assert_eq!(label(Renderer::Glow, None), "OpenGL (glow)");
        assert_eq!(label(Renderer::Wgpu, Some("Vulkan")), "wgpu (Vulkan)");
        assert_eq!(label(Renderer::Wgpu, Some("Dx12")), "wgpu (DirectX 12)");
        assert_eq!(label(Renderer::Wgpu, Some("Gl")), "wgpu (OpenGL)");
        assert_eq!(label(Renderer::Wgpu, None), "wgpu");
    }

    #[test]
    fn the_message_leads_with_plain_words_and_keeps_errors_as_details() {
        let failures = [
            (
                Renderer::Glow,
                "glutin error: [a7] GLXBadFBConfig".to_owned(),
            ),
            (
                Renderer::Wgpu,
                "FailedToCreateSurfaceForAnyBackend".to_owned(),
            ),
        ];
        let text = nothing_can_draw_message(&failures);
        let first_line = text.lines().next().unwrap_or_default();
        assert_eq!(
            first_line,
            "Hero Intake can't draw its window on this computer's graphics."
        );
        assert!(text.contains("update the graphics driver"), "{text}");
        assert!(text.contains("HERO_RENDERER=wgpu"), "{text}");
        assert!(text.contains("command line still works"), "{text}");
        let details = text.find("Details for IT:").expect("details section");
        let raw = text.find("GLXBadFBConfig").expect("raw error kept for IT");
        assert!(raw > details);
        assert!(text.contains("- wgpu: FailedToCreateSurfaceForAnyBackend"));
    }
}
