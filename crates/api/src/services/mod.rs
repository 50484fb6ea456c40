//! Logic several routes share, below the routes and above the store: routes call services,
//! never each other.

pub mod audit;
pub mod retention;
pub mod status;
pub mod sync;
pub mod work_list;
