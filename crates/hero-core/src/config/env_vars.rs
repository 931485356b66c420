//! The names of the environment variables Hero Intake reads, in one place: the code
//! reads and reports them through these; README and the scripts spell them out.

/// The API key, instead of the one in the keychain.
pub const HERO_API_KEY: &str = "HERO_API_KEY";

/// The practice group ID, instead of the one in Settings or IT's.
pub const HERO_PRACTICE_GROUP_ID: &str = "HERO_PRACTICE_GROUP_ID";

/// The server address; it makes the environment Custom.
pub const HERO_BASE_URL: &str = "HERO_BASE_URL";

/// The renderer IT forces for the window (`glow` or `wgpu`); read by the app crate.
pub const HERO_RENDERER: &str = "HERO_RENDERER";

/// Debug builds only: where to read the machine-wide file instead (tests). Never in
/// a release build, so a user can't get round what IT locked.
pub const HERO_INTAKE_MACHINE_SETTINGS: &str = "HERO_INTAKE_MACHINE_SETTINGS";

#[cfg(test)]
mod tests {
    /// IT and scripts set these by name, so each one a user may set is in the README.
    #[test]
    fn the_readme_names_each_variable_a_user_may_set() {
        let readme = include_str!("../../../../README.md");
        for name in [
            super::HERO_API_KEY,
            super::HERO_PRACTICE_GROUP_ID,
            super::HERO_BASE_URL,
            super::HERO_RENDERER,
        ] {
            assert!(
                readme.contains(&format!("`{name}")),
                "{name} is not in README.md"
            );
        }
    }
}
