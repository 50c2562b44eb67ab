"""The photo library's machinery: upload checks (`validation`), the picture's own
metadata (`metadata`), resized copies for readers (`renditions`), storing files
(`storage`), and the admin's forms and widgets."""
