"""The per-file result cache (`bastion.cache.store`): where unchanged files' results are kept between scans."""
