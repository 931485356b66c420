//! Which proxy requests go through: the decision reqwest itself makes
//! (`HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, else the Windows or macOS proxy settings),
//! read again so Settings and error messages can name it.

use hyper_util::client::proxy::matcher::Matcher;

/// The proxy for requests to `base_url`, as `http://host:port` (never a user name or
/// password); `None` when requests go direct. This computer's own addresses never
/// go through a proxy (the demo server, tests).
pub fn describe(base_url: &str) -> Option<String> {
    describe_with(&Matcher::from_system(), base_url)
}

pub(crate) fn describe_with(matcher: &Matcher, base_url: &str) -> Option<String> {
    let url = url::Url::parse(base_url).ok()?;
    if is_this_computer(&url) {
        return None;
    }
    let uri: http::Uri = url.as_str().parse().ok()?;
    let proxy = matcher.intercept(&uri)?;
    let proxy = proxy.uri();
    let authority = proxy.authority()?.as_str();
    // Credentials are taken out by the matcher; make sure, whatever its source.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(format!(
        "{}://{host_port}",
        proxy.scheme_str().unwrap_or("http")
    ))
}

pub(crate) fn is_this_computer(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_is_named_without_its_password() {
        let matcher = Matcher::builder()
            .https("http://reception:s3cret@proxy.practice.example:8080")
            .build();
        assert_eq!(
            describe_with(&matcher, "https://api.herohealth.net").as_deref(),
            Some("http://proxy.practice.example:8080")
        );
    }

    #[test]
    fn no_proxy_and_this_computer_go_direct() {
        let matcher = Matcher::builder()
            .https("http://proxy.practice.example:8080")
            .no("herohealth.net")
            .build();
        assert_eq!(describe_with(&matcher, "https://api.herohealth.net"), None);
        assert_eq!(describe_with(&matcher, "https://127.0.0.1:8719"), None);
        assert_eq!(describe_with(&matcher, "http://localhost:8719"), None);
        assert_eq!(
            describe_with(&matcher, "https://api.staging.htech.app").as_deref(),
            Some("http://proxy.practice.example:8080")
        );
        assert_eq!(
            describe_with(&Matcher::builder().build(), "https://api.herohealth.net"),
            None
        );
    }
}
