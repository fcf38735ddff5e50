//! How odc names itself to the service (`User-Agent`), shared by sign-in and Graph.

pub fn user_agent() -> String {
    format!("odc/{}", env!("CARGO_PKG_VERSION"))
}
