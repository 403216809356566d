//! Windows only: embeds the icon and version into s3share.exe, so Explorer and the
//! taskbar show the app's icon. Nothing happens on other systems.

fn main() {
    println!("cargo:rerun-if-changed=assets/icons/s3share.ico");
    #[cfg(windows)]
    {
        let mut resource = winresource::WindowsResource::new();
        resource.set_icon("assets/icons/s3share.ico");
        if let Err(err) = resource.compile() {
            println!("cargo:warning=could not embed the Windows icon: {err}");
        }
    }
}
