//! Why a request couldn't be sent: told apart by the types in the error's chain (our
//! resolver's `NameNotFound`, rustls' `Error`), not by the words in its message.

use std::error::Error;
use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::{ApiError, Failure, ProxyProblem, Retry};

/// The system's resolver (getaddrinfo, on tokio's blocking pool, as reqwest's own is),
/// failing with a type of ours.
#[derive(Debug)]
pub(super) struct SystemResolver;

/// The server's name has no address: DNS doesn't know it (or no DNS can be reached).
#[derive(Debug, thiserror::Error)]
#[error("no address was found for the server's name")]
struct NameNotFound(#[source] std::io::Error);

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port on each address.
            let addresses = tokio::net::lookup_host((name.as_str(), 0))
                .await
                .map_err(NameNotFound)?;
            let addresses: Addrs = Box::new(addresses.collect::<Vec<SocketAddr>>().into_iter());
            Ok(addresses)
        })
    }
}

/// Whether an error of type `T` is in the chain. `io::Error` hides the error it wraps
/// from `source()` (it returns that error's source), so the chain goes through it.
fn chain_has<T: Error + 'static>(error: &(dyn Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if error.is::<T>() {
            return true;
        }
        next = match error
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn Error + 'static)),
            None => error.source(),
        };
    }
    false
}

/// The chain's messages, lower case. Only for the proxy tunnel, whose error type
/// hyper-util keeps private; it never holds patient data.
fn chain_text(error: &(dyn Error + 'static)) -> String {
    let mut text = String::new();
    let mut next = Some(error);
    while let Some(error) = next {
        text.push_str(&error.to_string().to_ascii_lowercase());
        text.push(' ');
        next = error.source();
    }
    text
}

/// Turns a failure to send into the error the user sees, and whether to try again.
pub(super) fn classify(error: &reqwest::Error, proxy: Option<&str>) -> Failure {
    let transient = |error| Failure {
        error,
        retry: Retry::Transient(None),
    };
    if error.is_timeout() {
        return transient(ApiError::Timeout { attempts: 1 });
    }
    // hyper-util's CONNECT tunnel: "tunnel error: proxy authorization required", ...
    let text = chain_text(error);
    if text.contains("tunnel error") {
        let problem = if text.contains("proxy authorization required") {
            ProxyProblem::AuthRequired
        } else if text.contains("failed to create underlying connection") {
            ProxyProblem::Unreachable
        } else {
            ProxyProblem::Refused
        };
        return Failure::final_(ApiError::Proxy {
            proxy: proxy.unwrap_or("set on this computer").to_owned(),
            problem,
        });
    }
    if chain_has::<rustls::Error>(error) {
        return Failure::final_(ApiError::Tls);
    }
    if chain_has::<NameNotFound>(error) {
        return Failure::final_(ApiError::AddressNotFound);
    }
    if error.is_connect() {
        return Failure::final_(ApiError::Unreachable);
    }
    if error.is_redirect() {
        return Failure::final_(ApiError::Redirected);
    }
    transient(ApiError::ConnectionDropped { attempts: 1 })
}
